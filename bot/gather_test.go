package bot

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"nido/bot/telegramtest"
)

// polls records each getUpdates that passes through it to the fake: when
// it came, when it was answered and with how many updates.
type polls struct {
	fake http.Handler

	mu  sync.Mutex
	log []poll
}

type poll struct {
	came, answered time.Time
	updates        int
}

func (p *polls) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if !strings.HasSuffix(r.URL.Path, "/getUpdates") {
		p.fake.ServeHTTP(w, r)
		return
	}
	came := time.Now()
	rec := httptest.NewRecorder()
	p.fake.ServeHTTP(rec, r)
	var reply struct {
		Result []json.RawMessage `json:"result"`
	}
	_ = json.Unmarshal(rec.Body.Bytes(), &reply)
	p.mu.Lock()
	p.log = append(p.log, poll{came: came, answered: time.Now(), updates: len(reply.Result)})
	p.mu.Unlock()
	for k, v := range rec.Header() {
		w.Header()[k] = v
	}
	w.WriteHeader(rec.Code)
	_, _ = bytes.NewReader(rec.Body.Bytes()).WriteTo(w)
}

// After a batch that was not full, the poller lets updates gather for
// pollGather before it asks again, so that updates a few milliseconds
// apart come in one getUpdates and one round trip to store them.
func TestPollerLetsUpdatesGather(t *testing.T) {
	e := newEnv(t, telegramtest.Unlimited())
	p := &polls{fake: e.fake}
	front := httptest.NewServer(p)
	t.Cleanup(front.Close)
	cfg := unpaced(e.config())
	cfg.APIURL = front.URL
	b := e.bot(cfg)
	run(t, b, newEcho(b.Sender()))

	anna := user(101)
	for i := range 3 {
		e.fake.SendText(anna, "ciao")
		e.waitCount(anna.ID, i+1)
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	checked := 0
	for i, got := range p.log[:len(p.log)-1] {
		if got.updates == 0 {
			continue
		}
		checked++
		if gap := p.log[i+1].came.Sub(got.answered); gap < pollGather {
			t.Errorf("after a batch of %d, the next getUpdates came %v later, want at least %v", got.updates, gap, pollGather)
		}
	}
	if checked == 0 {
		t.Fatal("no batch was followed by another getUpdates")
	}
}
