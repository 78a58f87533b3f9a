package telegramtest

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"
)

// helperTimeout bounds the helpers that take a testing.TB.
const helperTimeout = 5 * time.Second

// Messages returns what the bot said in a chat, in order, with edits applied
// and deleted messages marked. The slices inside each Message are shared
// with the server: read them, do not change them.
func (s *Server) Messages(chatID int64) []Message { return s.chats.botMessages(chatID) }

// Last returns the bot's most recent message in a chat that is not deleted.
func (s *Server) Last(chatID int64) (Message, bool) {
	msgs := s.Messages(chatID)
	for i := len(msgs) - 1; i >= 0; i-- {
		if !msgs[i].Deleted {
			return msgs[i], true
		}
	}
	return Message{}, false
}

// WaitMessage waits until one of the bot's messages in the chat satisfies
// cond (checked on every change, newest message first) and returns the
// newest that does. When ctx ends first, the error lists what the bot said.
func (s *Server) WaitMessage(ctx context.Context, chatID int64, cond func(Message) bool) (Message, error) {
	var found Message
	err := s.Wait(ctx, func() bool {
		msgs := s.Messages(chatID)
		for i := len(msgs) - 1; i >= 0; i-- {
			if cond(msgs[i]) {
				found = msgs[i]
				return true
			}
		}
		return false
	})
	if err != nil {
		return Message{}, fmt.Errorf("telegramtest: no message in chat %d matched: %w; the bot said:%s",
			chatID, err, transcript(s.Messages(chatID)))
	}
	return found, nil
}

// WaitText waits up to 5 seconds for a message of the bot in the chat, not
// deleted, whose visible text contains substr (direction marks aside), and
// fails the test otherwise.
func (s *Server) WaitText(t testing.TB, chatID int64, substr string) Message {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), helperTimeout)
	defer cancel()
	m, err := s.WaitMessage(ctx, chatID, func(m Message) bool {
		return !m.Deleted && strings.Contains(Visible(m.Plain()), Visible(substr))
	})
	if err != nil {
		t.Fatalf("waiting for %q: %v", substr, err)
	}
	return m
}

// MustPress presses the button labelled label in u's chat, waiting up to 5
// seconds for it to appear, and fails the test otherwise.
func (s *Server) MustPress(t testing.TB, u User, label string) int64 {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), helperTimeout)
	defer cancel()
	if _, err := s.WaitMessage(ctx, u.ID, func(m Message) bool {
		_, ok := m.button(label)
		return ok && !m.Deleted
	}); err != nil {
		t.Fatalf("pressing %q: %v", label, err)
	}
	id, err := s.Press(u, label)
	if err != nil {
		t.Fatal(err)
	}
	return id
}

// transcript renders messages for an error message, one per line.
func transcript(msgs []Message) string {
	if len(msgs) == 0 {
		return " nothing"
	}
	var b strings.Builder
	for _, m := range msgs {
		fmt.Fprintf(&b, "\n  [%d] %q", m.ID, m.Plain())
		if m.Document != nil {
			fmt.Fprintf(&b, " (document %s)", m.Document.FileName)
		}
		if labels := m.Labels(); len(labels) > 0 {
			fmt.Fprintf(&b, " buttons: %s", strings.Join(labels, " | "))
		}
		if m.Deleted {
			b.WriteString(" (deleted)")
		}
	}
	return b.String()
}
