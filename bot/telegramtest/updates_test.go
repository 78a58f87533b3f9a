package telegramtest

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"testing"
	"time"

	tg "github.com/go-telegram/bot"
	"github.com/go-telegram/bot/models"
)

func TestPollingBotReceivesMessages(t *testing.T) {
	fake := NewTestServer(t)
	got := newCollector()
	startBot(t, fake, got.handle)
	mum := User{ID: 1001, FirstName: "Anna", Username: "anna_r", LanguageCode: "it"}
	first := fake.SendText(mum, "/start abc")
	second := fake.SendText(mum, "grazie")
	updates := got.waitFor(t, 2)
	if second != first+1 || updates[0].ID != first || updates[1].ID != second {
		t.Fatalf("update ids %d, %d; received %d, %d", first, second, updates[0].ID, updates[1].ID)
	}
	m := updates[0].Message
	if m == nil || m.Text != "/start abc" || m.Chat.ID != mum.ID || m.Chat.Type != models.ChatTypePrivate ||
		m.From.LanguageCode != "it" || m.From.Username != "anna_r" || m.ID != 1 {
		t.Fatalf("message = %+v", m)
	}
	if len(m.Entities) != 1 || m.Entities[0].Type != models.MessageEntityTypeBotCommand || m.Entities[0].Length != 6 {
		t.Errorf("entities = %+v, want bot_command of length 6", m.Entities)
	}
	if updates[1].Message.ID != 2 {
		t.Errorf("second message id = %d, want 2", updates[1].Message.ID)
	}
	// The bot confirms what it received with its next offset.
	if err := fake.Wait(testCtx(t), func() bool { return fake.PendingUpdates() == 0 }); err != nil {
		t.Errorf("updates never confirmed: %d pending", fake.PendingUpdates())
	}
}

func TestDeliverDuplicates(t *testing.T) {
	fake := NewTestServer(t)
	mum := User{ID: 1001, FirstName: "Anna"}
	u := models.Update{ID: 500, Message: &models.Message{ID: 1, Chat: mum.chat(), From: &models.User{ID: mum.ID}, Text: "sì"}}
	ids := fake.Deliver(u, u)
	if ids[0] != 500 || ids[1] != 500 {
		t.Fatalf("ids = %v", ids)
	}
	got := newCollector()
	startBot(t, fake, got.handle)
	updates := got.waitFor(t, 2)
	if updates[0].ID != 500 || updates[1].ID != 500 || updates[1].Message.Text != "sì" {
		t.Errorf("got %d and %d", updates[0].ID, updates[1].ID)
	}
	if next := fake.SendText(mum, "dopo"); next != 501 {
		t.Errorf("next update id = %d, want 501", next)
	}
}

// polled is the answer to a getUpdates.
type polled struct {
	status  int
	resp    response
	updates []models.Update
	err     error
}

// getUpdatesJSON calls getUpdates the way a hand-written polling loop does:
// a plain JSON POST.
func getUpdatesJSON(ctx context.Context, fake *Server, params map[string]any) polled {
	body, _ := json.Marshal(params)
	req, _ := http.NewRequestWithContext(ctx, http.MethodPost, fake.URL+"/bot1:x/getUpdates", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return polled{err: err}
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	var r struct {
		response
		Result []models.Update `json:"result"`
	}
	err = json.Unmarshal(raw, &r)
	return polled{status: resp.StatusCode, resp: r.response, updates: r.Result, err: err}
}

// mustPoll is getUpdatesJSON in the test's goroutine.
func mustPoll(t *testing.T, fake *Server, params map[string]any) []models.Update {
	t.Helper()
	p := getUpdatesJSON(testCtx(t), fake, params)
	if p.err != nil || p.status != http.StatusOK {
		t.Fatalf("getUpdates: %d %v", p.status, p.err)
	}
	return p.updates
}

func TestGetUpdatesOffsetAndLimit(t *testing.T) {
	fake := NewTestServer(t)
	mum := User{ID: 1001}
	for _, text := range []string{"a", "b", "c"} {
		fake.SendText(mum, text)
	}
	got := mustPoll(t, fake, map[string]any{"limit": 2})
	if len(got) != 2 || got[0].Message.Text != "a" {
		t.Fatalf("limit 2: %d updates", len(got))
	}
	got = mustPoll(t, fake, map[string]any{"offset": got[1].ID + 1})
	if len(got) != 1 || got[0].Message.Text != "c" || fake.PendingUpdates() != 1 {
		t.Fatalf("after offset: %d updates, %d pending", len(got), fake.PendingUpdates())
	}
	got = mustPoll(t, fake, map[string]any{"offset": got[0].ID + 1})
	if len(got) != 0 || fake.PendingUpdates() != 0 {
		t.Errorf("all confirmed: %d updates, %d pending", len(got), fake.PendingUpdates())
	}
}

func TestLongPollReturnsAsSoonAsAnUpdateArrives(t *testing.T) {
	fake := NewTestServer(t)
	ctx := testCtx(t)
	done := make(chan polled)
	start := time.Now()
	go func() { done <- getUpdatesJSON(ctx, fake, map[string]any{"timeout": 30}) }()
	if err := fake.Wait(ctx, func() bool { return fake.Calls("getUpdates") == 1 }); err != nil {
		t.Fatal(err)
	}
	fake.SendText(User{ID: 1001}, "ciao")
	p := <-done
	if p.err != nil || len(p.updates) != 1 || time.Since(start) > 5*time.Second {
		t.Errorf("got %d updates after %v (%v)", len(p.updates), time.Since(start), p.err)
	}
}

func TestLongPollTimesOut(t *testing.T) {
	fake := NewTestServer(t)
	start := time.Now()
	got := mustPoll(t, fake, map[string]any{"timeout": 1})
	if len(got) != 0 || time.Since(start) < time.Second {
		t.Errorf("got %d updates after %v, want none after 1s", len(got), time.Since(start))
	}
}

func TestSecondPollerTerminatesTheFirst(t *testing.T) {
	fake := NewTestServer(t)
	ctx := testCtx(t)
	first := make(chan polled)
	go func() { first <- getUpdatesJSON(ctx, fake, map[string]any{"timeout": 30}) }()
	if err := fake.Wait(ctx, func() bool { return polls(fake) == 1 }); err != nil {
		t.Fatal(err)
	}
	if got := mustPoll(t, fake, map[string]any{"timeout": 0}); len(got) != 0 {
		t.Fatalf("second poll got %d updates", len(got))
	}
	p := <-first
	want := "Conflict: terminated by other getUpdates request; make sure that only one bot instance is running"
	if p.status != http.StatusConflict || p.resp.Description != want {
		t.Errorf("first poll: %d %q %v", p.status, p.resp.Description, p.err)
	}
}

// polls counts the getUpdates calls that started polling.
func polls(s *Server) uint64 {
	s.updates.mu.Lock()
	defer s.updates.mu.Unlock()
	return s.updates.poll
}

func TestDeliverJSON(t *testing.T) {
	fake := NewTestServer(t)
	ids, err := fake.DeliverJSON(
		`{"message":{"message_id":1,"date":1,"chat":{"id":-100,"type":"group","title":"Staff"},"from":{"id":7,"is_bot":false},"text":"ciao"}}`,
		`{"update_id":90,"my_chat_member":{"chat":{"id":-100,"type":"group"},"from":{"id":7,"is_bot":false},"date":1,
		  "old_chat_member":{"status":"left","user":{"id":1,"is_bot":true}},"new_chat_member":{"status":"member","user":{"id":1,"is_bot":true}}}}`,
	)
	if err != nil || len(ids) != 2 || ids[0] != 1 || ids[1] != 90 {
		t.Fatalf("DeliverJSON = %v, %v", ids, err)
	}
	got := mustPoll(t, fake, map[string]any{})
	if len(got) != 2 || got[0].ID != 1 || got[1].MyChatMember == nil || got[1].MyChatMember.NewChatMember.Type != "member" {
		t.Fatalf("polled %+v", got)
	}
	b := newClient(t, fake)
	if _, err := b.SendMessage(testCtx(t), &tg.SendMessageParams{ChatID: -100, Text: "ciao a tutte"}); err != nil {
		t.Errorf("the group became known: %v", err)
	}
	if _, err := fake.DeliverJSON(`{"message":`); err == nil {
		t.Error("broken JSON accepted")
	}
}

func TestAllowedUpdates(t *testing.T) {
	fake := NewTestServer(t)
	mustPoll(t, fake, map[string]any{"allowed_updates": []string{"callback_query"}})
	mum := User{ID: 1001}
	fake.SendText(mum, "non richiesto")
	fake.PressData(mum, 1, "x")
	got := mustPoll(t, fake, map[string]any{})
	if len(got) != 1 || got[0].CallbackQuery == nil {
		t.Errorf("got %d updates, want only the callback query", len(got))
	}
}
