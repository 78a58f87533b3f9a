package telegramtest

import (
	"context"
	"strconv"
	"sync"
	"time"
)

const queryInvalid = "query is too old and response timeout expired or query ID is invalid"

// CallbackAnswer is the bot's answer to one button press.
type CallbackAnswer struct {
	// QueryID is the callback query id the bot answered.
	QueryID string
	// UpdateID is the update that carried the press.
	UpdateID int64
	// ChatID and MessageID locate the message whose button was pressed.
	ChatID    int64
	MessageID int
	// Data is the callback data that was pressed.
	Data string
	// Text is the notification shown to the person, if any.
	Text string
	// ShowAlert is true for an alert box instead of a toast.
	ShowAlert bool
	// URL is a URL the bot asked the app to open.
	URL string
	// Date is when the bot answered.
	Date time.Time
}

// pendingQuery is a press the bot has not answered yet.
type pendingQuery struct {
	updateID  int64
	chatID    int64
	messageID int
	data      string
	at        time.Time
}

// callbackStore tracks presses until answered, and the answers.
type callbackStore struct {
	mu      sync.Mutex
	pending map[string]pendingQuery
	answers []CallbackAnswer
	next    int64
}

// open registers a press and returns its query id.
func (cs *callbackStore) open(q pendingQuery) string {
	cs.mu.Lock()
	defer cs.mu.Unlock()
	cs.next++
	id := strconv.FormatInt(4_300_000_000_000_000_000+cs.next, 10)
	cs.pending[id] = q
	return id
}

// answer closes a query: a query is answered at most once, and expires
// after timeout when there is one.
func (cs *callbackStore) answer(a CallbackAnswer, timeout time.Duration) (CallbackAnswer, *apiError) {
	cs.mu.Lock()
	defer cs.mu.Unlock()
	q, ok := cs.pending[a.QueryID]
	if !ok || (timeout > 0 && a.Date.Sub(q.at) > timeout) {
		return a, badRequest(queryInvalid)
	}
	delete(cs.pending, a.QueryID)
	a.UpdateID, a.ChatID, a.MessageID, a.Data = q.updateID, q.chatID, q.messageID, q.data
	cs.answers = append(cs.answers, a)
	return a, nil
}

// answerCallbackQuery: stops the spinner on the pressed button, with an
// optional toast or alert of at most 200 characters.
func (s *Server) answerCallbackQuery(_ context.Context, r *request) (any, *apiError) {
	a := CallbackAnswer{
		QueryID: r.str("callback_query_id"), Text: r.str("text"),
		ShowAlert: r.boolean("show_alert"), URL: r.str("url"), Date: s.now(),
	}
	if utf16Len(a.Text) > maxAnswerLen {
		return nil, badRequest("MESSAGE_TOO_LONG")
	}
	a, err := s.callbacks.answer(a, s.cfg.callbackTimeout)
	if err != nil {
		return nil, err
	}
	s.events.publish(Event{Kind: EventCallbackAnswer, ChatID: a.ChatID, Answer: &a})
	s.changed.notify()
	return true, nil
}

// CallbackAnswers lists the bot's answers to presses, in order.
func (s *Server) CallbackAnswers() []CallbackAnswer {
	s.callbacks.mu.Lock()
	defer s.callbacks.mu.Unlock()
	return append([]CallbackAnswer(nil), s.callbacks.answers...)
}

// UnansweredCallbacks counts presses the bot has not answered yet; a bot
// should answer every one, or the person's button keeps spinning.
func (s *Server) UnansweredCallbacks() int {
	s.callbacks.mu.Lock()
	defer s.callbacks.mu.Unlock()
	return len(s.callbacks.pending)
}
