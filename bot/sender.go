package bot

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"strings"
	"time"

	tg "github.com/go-telegram/bot"
	"github.com/go-telegram/bot/models"
	"github.com/redis/go-redis/v9"

	"nido/flows"
)

const (
	// sentJobTTL is how long a delivered job's message ids are kept, longer
	// than any retry of the job.
	sentJobTTL = 7 * 24 * time.Hour
)

// Sender delivers what the flows say to Telegram: it renders, signs buttons,
// paces, waits out 429s, and returns an error wrapping flows.ErrUnreachable
// for a person who blocked Nido, from which the flows learn it. It implements
// flows.Sender and is safe for concurrent use.
type Sender struct {
	api *tg.Bot
	rdb redis.UniversalClient
	k   keys
	r   renderer
	sg  signer
	lim *limits
	m   *metrics
	log *slog.Logger
	// rec keeps the records of sent parts Redis could not take yet.
	rec *records
}

// part is one Telegram message of a flows.Message: a piece of its text (the
// last one carries the keyboard), or its document.
type part struct {
	text string
	kb   *inlineKeyboard
	doc  *flows.Document
	// voice is the file id of a voice message to send on.
	voice string
	// caption is the rendered caption of doc or voice.
	caption string
}

// Send delivers m and returns the id of the message carrying its buttons (or
// of the document when there is no text); a Toast alone sends nothing and
// returns 0. With m.JobID, parts that Redis records as sent are not sent
// again; so are the parts of a reply, when its update is handled again.
func (s *Sender) Send(ctx context.Context, m flows.Message) (int, error) {
	// The press being answered learns its answer now, before any message
	// comes: its spinner stops as the answer arrives.
	if shown := s.answerPress(ctx, m); m.Toast != nil && !shown {
		s.log.Info("toast not shown: no press left to answer", "chat_id", m.ChatID)
	}
	if m.Toast != nil && len(m.Lines) == 0 && m.Document == nil && m.Voice == nil && !m.KeepText {
		return 0, nil
	}
	if m.EditID != 0 && m.KeepText {
		return s.editButtons(ctx, m)
	}
	parts, main, err := s.prepare(m)
	if err != nil {
		return 0, fmt.Errorf("render message for chat %d: %w", m.ChatID, err)
	}
	record, lookUp, kind := m.JobID, m.JobID != "", jobRecord
	if record == "" {
		// A reply: recorded too, in case its update is handled again (replies.go).
		record, lookUp = nextReply(ctx)
		kind = replyRecord
	}
	var done map[int]int
	if lookUp {
		if done, err = s.sentParts(ctx, record); err != nil {
			return 0, err
		}
	}
	pace := paced
	if m.Bulk {
		pace = bulk
	}
	ids := make([]int, len(parts))
	for i, p := range parts {
		if id, ok := done[i]; ok {
			ids[i] = id
			continue
		}
		edit := 0
		if i == 0 {
			edit = m.EditID
		}
		if ids[i], err = s.deliver(ctx, m.ChatID, edit, p, pace); err != nil {
			return 0, err
		}
		s.recordPart(ctx, m.ChatID, record, i, ids[i], kind)
	}
	return ids[main], nil
}

// prepare renders m into its parts and says which one the caller gets the id of.
func (s *Sender) prepare(m flows.Message) ([]part, int, error) {
	text, err := s.r.lines(m.Lang, m.Lines)
	if err != nil {
		return nil, 0, err
	}
	kb, err := s.r.keyboard(m.Lang, m.ChatID, m.Buttons, s.sg)
	if err != nil {
		return nil, 0, err
	}
	var parts []part
	if !blank(text) {
		for _, t := range s.r.messages(m.Lang, text) {
			parts = append(parts, part{text: t})
		}
		parts[len(parts)-1].kb = kb
	} else if kb != nil {
		return nil, 0, errors.New("buttons need a text")
	}
	main := len(parts) - 1
	if m.Document != nil {
		caption, err := s.r.caption(m.Lang, m.Document.Caption)
		if err != nil {
			return nil, 0, err
		}
		parts = append(parts, part{doc: m.Document, caption: caption})
		if main < 0 {
			main = 0
		}
	}
	if m.Voice != nil {
		caption, err := s.r.caption(m.Lang, m.Voice.Caption)
		if err != nil {
			return nil, 0, err
		}
		parts = append(parts, part{voice: m.Voice.FileID, caption: caption})
		if main < 0 {
			main = 0
		}
	}
	if len(parts) == 0 {
		return nil, 0, errors.New("nothing to send")
	}
	return parts, main, nil
}

// deliver sends one part, or edits message edit with it.
func (s *Sender) deliver(ctx context.Context, chatID int64, edit int, p part, pace pacing) (int, error) {
	if edit != 0 {
		id, err := s.call(ctx, "edit", chatID, pace, func(ctx context.Context) (int, error) {
			return s.edit(ctx, chatID, edit, p)
		})
		if !errors.Is(err, errEditGone) {
			return id, err
		}
		// Too old or deleted to edit: say it anew instead.
	}
	return s.call(ctx, "send", chatID, pace, func(ctx context.Context) (int, error) {
		if p.doc != nil {
			msg, err := s.api.SendDocument(ctx, &tg.SendDocumentParams{
				ChatID:    chatID,
				Document:  &models.InputFileUpload{Filename: p.doc.Name, Data: bytes.NewReader(p.doc.Content)},
				Caption:   p.caption,
				ParseMode: models.ParseModeHTML,
			})
			return messageID(msg, err)
		}
		if p.voice != "" {
			// By its file id: Telegram sends on what it holds, and Nido never
			// downloads what a person recorded.
			msg, err := s.api.SendVoice(ctx, &tg.SendVoiceParams{
				ChatID: chatID, Voice: &models.InputFileString{Data: p.voice},
				Caption: p.caption, ParseMode: models.ParseModeHTML,
			})
			return messageID(msg, err)
		}
		msg, err := s.api.SendMessage(ctx, &tg.SendMessageParams{
			ChatID: chatID, Text: p.text, ParseMode: models.ParseModeHTML, ReplyMarkup: markup(p.kb),
		})
		return messageID(msg, err)
	})
}

// editButtons sets the buttons of message m.EditID to m.Buttons, keeping its
// words: nothing to render but the keyboard, and a small call. Pressing
// the same button twice asks for the same buttons, and a message that can
// no longer be edited keeps its own: neither is a failure.
func (s *Sender) editButtons(ctx context.Context, m flows.Message) (int, error) {
	kb, err := s.r.keyboard(m.Lang, m.ChatID, m.Buttons, s.sg)
	if err != nil {
		return 0, fmt.Errorf("render buttons for chat %d: %w", m.ChatID, err)
	}
	return s.call(ctx, "edit buttons", m.ChatID, paced, func(ctx context.Context) (int, error) {
		_, err := s.api.EditMessageReplyMarkup(ctx, &tg.EditMessageReplyMarkupParams{
			ChatID: m.ChatID, MessageID: m.EditID, ReplyMarkup: markup(kb),
		})
		if err != nil && !(errors.Is(err, tg.ErrorBadRequest) && (strings.Contains(err.Error(), "message is not modified") ||
			strings.Contains(err.Error(), "message to edit not found") || strings.Contains(err.Error(), "can't be edited"))) {
			return 0, err
		}
		return m.EditID, nil
	})
}

// errEditGone means the message to edit cannot be edited any more.
var errEditGone = errors.New("message can no longer be edited")

func (s *Sender) edit(ctx context.Context, chatID int64, messageID int, p part) (int, error) {
	if p.doc != nil || p.voice != "" {
		return 0, errEditGone
	}
	_, err := s.api.EditMessageText(ctx, &tg.EditMessageTextParams{
		ChatID: chatID, MessageID: messageID, Text: p.text, ParseMode: models.ParseModeHTML, ReplyMarkup: markup(p.kb),
	})
	switch {
	case err == nil, errors.Is(err, tg.ErrorBadRequest) && strings.Contains(err.Error(), "message is not modified"):
		// Pressing the same button twice asks for the same text: not a failure.
		return messageID, nil
	case errors.Is(err, tg.ErrorBadRequest) &&
		(strings.Contains(err.Error(), "message to edit not found") || strings.Contains(err.Error(), "can't be edited")):
		return 0, errEditGone
	}
	return 0, err
}

// markup avoids sending a typed nil, which the library would encode as "null".
func markup(kb *inlineKeyboard) models.ReplyMarkup {
	if kb == nil {
		return nil
	}
	return kb
}

func messageID(msg *models.Message, err error) (int, error) {
	if err != nil {
		return 0, err
	}
	return msg.ID, nil
}

// sentParts returns the parts of job already delivered, by index.
func (s *Sender) sentParts(ctx context.Context, jobID string) (map[int]int, error) {
	if jobID == "" {
		return nil, nil
	}
	raw, ok := repliesOf(ctx).alreadyRead(jobID)
	if !ok {
		var err error
		if raw, err = s.rdb.HGetAll(ctx, s.k.sentJob(jobID)).Result(); err != nil {
			return nil, fmt.Errorf("read sent parts of job %s: %w", jobID, err)
		}
	}
	// Parts sent while Redis was away, not written yet, count too.
	done := s.rec.sent(jobID)
	for k, v := range raw {
		i, err1 := strconv.Atoi(k)
		id, err2 := strconv.Atoi(v)
		if err1 == nil && err2 == nil {
			done[i] = id
		}
	}
	return done, nil
}

// Expect says that the update being handled in ctx will send the message
// named jobID (Message.JobID), so that whether it went out already is read
// with the update's next round trip to Redis rather than in one of its own
// just before the send. Outside the handling of an update it does nothing.
func (s *Sender) Expect(ctx context.Context, jobID string) {
	if jobID == "" {
		return
	}
	repliesOf(ctx).expect(jobID, redis.NewMapStringStringCmd(ctx, "hgetall", s.k.sentJob(jobID)))
}

// recordPart remembers that a part of job (or of a reply) went out to
// chatID (records.go): the message did go, and no retry of the job may send
// it again. While an update is handled the record waits for the update's
// next command to Redis (replies.go); elsewhere, and behind Sentinel, where
// it waits for the replica, it is written at once.
func (s *Sender) recordPart(ctx context.Context, chatID int64, jobID string, i, messageID int, kind recordKind) {
	if jobID == "" {
		return
	}
	if !s.rec.rep.active() && repliesOf(ctx).keep(pendingRecord{
		to: s.rec, chatID: chatID, id: jobID, part: i, messageID: messageID, kind: kind,
	}) {
		return
	}
	s.rec.write(ctx, chatID, jobID, i, messageID, kind)
}

// Forget deletes what the Sender keeps about the job messages it sent to a
// chat, whose job ids may name the person; erasure calls it. A message
// recorded while Forget runs stays listed, so a later Forget removes it.
func (s *Sender) Forget(ctx context.Context, chatID int64) error {
	of := s.k.sentJobsOf(chatID)
	sent, err := s.rdb.SMembers(ctx, of).Result()
	if err != nil {
		return fmt.Errorf("list sent jobs of chat %d: %w", chatID, err)
	}
	if len(sent) == 0 {
		return nil
	}
	members := make([]any, len(sent))
	for i, k := range sent {
		members[i] = k
	}
	// SREM rather than DEL of the set: a key added meanwhile stays listed
	// instead of being left behind unlisted. Redis drops the emptied set.
	_, err = s.rdb.TxPipelined(ctx, func(p redis.Pipeliner) error {
		p.Del(ctx, sent...)
		p.SRem(ctx, of, members...)
		return nil
	})
	if err != nil {
		return fmt.Errorf("forget sent jobs of chat %d: %w", chatID, err)
	}
	return nil
}
