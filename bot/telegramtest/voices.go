package telegramtest

import (
	"context"
	"fmt"

	"github.com/go-telegram/bot/models"
)

// Voice messages: a person records one and sends it to the bot (SendVoice);
// the bot may send it on to someone else by its file id (sendVoice), as
// Telegram allows without downloading it. Downloading goes through getFile,
// which the fake does not serve: a call of it is recorded in Errors and
// counted by Calls("getFile").

// Voice is a voice message a person recorded.
type Voice struct {
	// FileID names the recording on Telegram; the bot sends it on by this id.
	FileID string
	// Duration is its length in seconds.
	Duration int
	// MimeType is "audio/ogg", as Telegram's own recordings are.
	MimeType string
	// Caption is the caption the bot sent it with (HTML when ParseMode is HTML).
	Caption string
}

// SendVoice is u recording a voice message of seconds seconds in their
// private chat with the bot. It returns the update id and the recording's
// file id.
func (s *Server) SendVoice(u User, seconds int) (int64, string) {
	if u.ID <= 0 {
		panic("telegramtest: SendVoice: a user id must be positive")
	}
	s.act.Lock()
	defer s.act.Unlock()
	chat := u.chat()
	s.chats.meet(chat, u.wire())
	v := s.files.saveVoice(Voice{Duration: seconds, MimeType: "audio/ogg"})
	now := s.now()
	m := s.chats.add(Message{ChatID: chat.ID, Voice: &v, Date: now}, false)
	from := u.wire()
	msg := &models.Message{
		ID: m.ID, From: &from, Chat: chat, Date: int(now.Unix()),
		Voice: &models.Voice{FileID: v.FileID, FileUniqueID: "u" + v.FileID, Duration: seconds, MimeType: v.MimeType},
	}
	id, err := s.updates.push("message", 0, func(id int64) any { return &models.Update{ID: id, Message: msg} })
	if err != nil {
		panic(fmt.Sprintf("telegramtest: SendVoice: %v", err))
	}
	return id, v.FileID
}

// sendVoice: a voice message by the file id of one Telegram holds, with an
// optional caption and keyboard. Uploading a new recording is not served.
func (s *Server) sendVoice(_ context.Context, r *request) (any, *apiError) {
	return s.sendMedia(r, func() (func(*Message, string), *apiError) {
		if _, up := r.files["voice"]; up {
			return nil, unsupported("uploading a voice message is not supported; send one by its file id")
		}
		ref := r.str("voice")
		if ref == "" {
			return nil, badRequest("there is no voice in the request")
		}
		v, ok := s.files.voice(ref)
		if !ok {
			return nil, badRequest("wrong file identifier/HTTP URL specified")
		}
		return func(m *Message, caption string) { v.Caption, m.Voice = caption, &v }, nil
	})
}

func (fs *fileStore) saveVoice(v Voice) Voice {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	fs.next++
	v.FileID = fmt.Sprintf("AwACAgQAAxkBAAI%06d", fs.next)
	fs.voices[v.FileID] = v
	return v
}

func (fs *fileStore) voice(id string) (Voice, bool) {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	v, ok := fs.voices[id]
	return v, ok
}
