package telegramtest

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/go-telegram/bot/models"
)

// getUpdates: long polling. Updates below offset are confirmed and
// forgotten; the call returns at once when there is something, else after
// timeout seconds (real time), with at most limit (1–100, default 100).
func (s *Server) getUpdates(ctx context.Context, r *request) (any, *apiError) {
	offset, err := r.integer("offset")
	if err != nil {
		return nil, err
	}
	limit, err := r.integer("limit")
	if err != nil {
		return nil, err
	}
	if limit <= 0 || limit > 100 {
		limit = 100
	}
	timeout, err := r.integer("timeout")
	if err != nil {
		return nil, err
	}
	var allowed []string
	if raw := r.str("allowed_updates"); raw != "" {
		if json.Unmarshal([]byte(raw), &allowed) != nil {
			return nil, badRequest("can't parse allowed updates")
		}
	}
	poll := s.updates.startPoll(allowed)
	timer := time.NewTimer(time.Duration(max(timeout, 0)) * time.Second)
	defer timer.Stop()
	for {
		items, wake, err := s.updates.take(poll, offset, int(limit))
		if err != nil || len(items) > 0 || timeout <= 0 {
			return items, err
		}
		select {
		case <-wake:
		case <-timer.C:
			timeout = 0 // one last look, then answer
		case <-ctx.Done():
			return items, nil
		case <-s.done:
			return items, nil
		}
	}
}

// Deliver queues prepared updates at once, so a bot that polls gets them in
// one batch; an update with ID 0 gets the next id, any other ID is kept,
// which lets a test repeat an update (a duplicate) or skip ids. A chat in a
// message or callback becomes known. Like Telegram, the bot's next
// getUpdates with a higher offset forgets an update, so a duplicate of an
// update already confirmed is only seen through a webhook or by a bot that
// polls with a lower offset. models.ChatMember has no JSON encoding: write
// my_chat_member updates with DeliverJSON.
func (s *Server) Deliver(updates ...models.Update) []int64 {
	s.act.Lock()
	defer s.act.Unlock()
	ids := make([]int64, 0, len(updates))
	for _, u := range updates {
		s.meetIn(u)
		id, err := s.updates.push(updateKind(u), u.ID, func(id int64) any {
			u.ID = id
			return &u
		})
		if err != nil {
			panic(fmt.Sprintf("telegramtest: Deliver: %v", err))
		}
		ids = append(ids, id)
	}
	return ids
}

// DeliverJSON is Deliver for updates written as JSON, with or without an
// update_id, for updates models cannot encode.
func (s *Server) DeliverJSON(raws ...string) ([]int64, error) {
	s.act.Lock()
	defer s.act.Unlock()
	ids := make([]int64, 0, len(raws))
	for _, raw := range raws {
		var fields map[string]json.RawMessage
		var u models.Update
		if err := json.Unmarshal([]byte(raw), &fields); err != nil {
			return ids, fmt.Errorf("telegramtest: DeliverJSON: %w", err)
		}
		if err := json.Unmarshal([]byte(raw), &u); err == nil {
			s.meetIn(u)
		}
		kind := ""
		for k := range fields {
			if k != "update_id" {
				kind = k
			}
		}
		id, err := s.updates.push(kind, u.ID, func(id int64) any {
			fields["update_id"] = json.RawMessage(fmt.Sprint(id))
			return fields
		})
		if err != nil {
			return ids, fmt.Errorf("telegramtest: DeliverJSON: %w", err)
		}
		ids = append(ids, id)
	}
	return ids, nil
}

// meetIn makes the chats of an update known.
func (s *Server) meetIn(u models.Update) {
	for _, m := range []*models.Message{u.Message, u.EditedMessage} {
		if m != nil {
			s.chats.meet(m.Chat, fromOrZero(m.From))
		}
	}
	if cq := u.CallbackQuery; cq != nil {
		if m := cq.Message.Message; m != nil {
			s.chats.meet(m.Chat, cq.From)
		} else if im := cq.Message.InaccessibleMessage; im != nil {
			s.chats.meet(im.Chat, cq.From)
		}
	}
	if cm := u.MyChatMember; cm != nil {
		s.chats.meet(cm.Chat, cm.From)
	}
}

func fromOrZero(u *models.User) models.User {
	if u == nil {
		return models.User{}
	}
	return *u
}

// updateKind names the field an update carries, for allowed_updates.
func updateKind(u models.Update) string {
	raw, err := json.Marshal(&u)
	if err != nil {
		return ""
	}
	var fields map[string]json.RawMessage
	_ = json.Unmarshal(raw, &fields)
	for k := range fields {
		if k != "update_id" {
			return k
		}
	}
	return ""
}
