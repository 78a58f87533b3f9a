package bot

import (
	"context"
	"sync"

	tg "github.com/go-telegram/bot"

	"nido/flows"
)

// A button press is answered once (answerCallbackQuery). The answer stops
// the spinner Telegram shows on the button, and may carry a toast: a short
// notice over the chat that leaves nothing in it, which is how a flow says
// "already done" to a second tap. Only the flows know whether there is a
// toast, so the answer waits for them: it goes with the first thing they
// say (the toast, or an empty answer just before a message), or empty once
// they are done, having said nothing.

// maxToast is Telegram's limit on a callback answer's text, in UTF-16 units.
const maxToast = 200

// press is the button press an update carries, until it is answered.
type press struct {
	id string
	mu sync.Mutex
	// answered is set by the one call that answers.
	answered bool
}

type pressKey struct{}

// withPress gives the flows handling a press a context that carries it,
// so that what they send answers it.
func withPress(ctx context.Context, queryID string) context.Context {
	return context.WithValue(ctx, pressKey{}, &press{id: queryID})
}

// take returns the query id to the one caller who answers; "" to the others.
func (p *press) take() string {
	if p == nil {
		return ""
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.answered {
		return ""
	}
	p.answered = true
	return p.id
}

// answerPress answers the press being handled in ctx, if it is not answered
// yet, with m's toast or none. It reports whether the toast was given. A
// failure is logged: the flows go on, and a press older than Telegram's
// few minutes cannot be answered anyway.
func (s *Sender) answerPress(ctx context.Context, m flows.Message) bool {
	p, _ := ctx.Value(pressKey{}).(*press)
	id := p.take()
	if id == "" {
		return false
	}
	var text string
	if m.Toast != nil {
		var err error
		if text, err = s.r.toast(m.Lang, *m.Toast); err != nil {
			s.log.Warn("render toast", "chat_id", m.ChatID, "error", err)
		}
	}
	_, err := s.api.AnswerCallbackQuery(context.WithoutCancel(ctx), &tg.AnswerCallbackQueryParams{CallbackQueryID: id, Text: text})
	if err != nil {
		s.log.Info("answer callback query", "chat_id", m.ChatID, "error", err)
		return false
	}
	return text != ""
}
