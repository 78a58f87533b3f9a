package demo

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"
)

// The JSON API and the event stream, as the page uses them, without a browser.

func TestStateShowsTheCastAndTheClock(t *testing.T) {
	s := newStack(t)
	var st stateView
	if res := s.call("GET", "/api/state", "", &st); res.StatusCode != http.StatusOK {
		t.Fatalf("status %d", res.StatusCode)
	}
	if len(st.People) != len(Cast()) {
		t.Fatalf("%d people, want %d", len(st.People), len(Cast()))
	}
	for _, p := range st.People {
		if p.SignedUp || p.RoleLabel != "Not signed up yet" || p.Flag == "" || p.LangName == "" {
			t.Errorf("before the seed: %+v", p)
		}
	}
	if !st.Clock.Now.Equal(monday(t)) || st.Clock.TimeZone != "Europe/Rome" {
		t.Errorf("clock %+v", st.Clock)
	}
	var amina personView
	for _, p := range st.People {
		if p.ID == aminaID {
			amina = p
		}
	}
	if !amina.RTL || amina.Lang != "ar" {
		t.Errorf("Amina writes Arabic, right to left: %+v", amina)
	}
}

func TestWritingShowsBothSidesLive(t *testing.T) {
	s := newStack(t)
	f := s.listen()
	var ok struct {
		UpdateID int64 `json:"updateId"`
	}
	if res := s.call("POST", fmt.Sprint("/api/chats/", NewcomerID, "/text"), `{"text":"  ciao  "}`, &ok); res.StatusCode != http.StatusAccepted || ok.UpdateID == 0 {
		t.Fatalf("status %d, %+v", res.StatusCode, ok)
	}
	mine := f.message(NewcomerID, func(m messageView) bool { return m.From == "person" })
	if mine.Text != "ciao" {
		t.Errorf("the page shows what she wrote as %q", mine.Text)
	}
	want := s.demo.phrase("ro", "signup.need_invite")
	answer := f.message(NewcomerID, func(m messageView) bool { return m.From == "bot" })
	if !strings.Contains(answer.Text, want) || answer.ID <= mine.ID {
		t.Errorf("Nido answered %+v, want %q after message %d", answer, want, mine.ID)
	}

	// The chat, loaded again, reads the same, in order.
	var chat chatView
	s.call("GET", fmt.Sprint("/api/chats/", NewcomerID), "", &chat)
	if len(chat.Messages) != 2 || chat.Messages[0].ID != mine.ID || chat.Messages[1].ID != answer.ID {
		t.Fatalf("chat %+v", chat.Messages)
	}
	// A stranger's menu is the guest's, in her app's language.
	if len(chat.Commands) == 0 || chat.Commands[0].Command != "start" {
		t.Errorf("commands %+v", chat.Commands)
	}
}

func TestPressingButtons(t *testing.T) {
	s := newStack(t)
	f := s.listen()
	s.call("POST", fmt.Sprint("/api/chats/", AdminID, "/text"), `{"text":"/start"}`, nil)
	menu := f.message(AdminID, func(m messageView) bool { return m.From == "bot" && len(m.Buttons) > 0 })
	orgs := s.demo.label("it", "menu.orgs")
	press := func(body string) int {
		return s.call("POST", fmt.Sprint("/api/chats/", AdminID, "/press"), body, nil).StatusCode
	}

	// By label, as a test would; by data, as the page does.
	if got := press(fmt.Sprintf(`{"messageId":%d,"label":%q}`, menu.ID, orgs)); got != http.StatusAccepted {
		t.Fatalf("press by label: status %d", got)
	}
	title := s.demo.phraseWith("it", "org.list_title", map[string]any{"Count": 0})
	f.message(AdminID, func(m messageView) bool { return strings.Contains(m.Text, title) })
	var data string
	for _, row := range menu.Buttons {
		for _, b := range row {
			if b.Text == orgs {
				data = b.Data
			}
		}
	}
	if got := press(fmt.Sprintf(`{"messageId":%d,"data":%q}`, menu.ID, data)); got != http.StatusAccepted {
		t.Fatalf("press by data: status %d", got)
	}
	f.message(AdminID, func(m messageView) bool { return strings.Contains(m.Text, title) && m.ID > menu.ID+1 })

	for name, body := range map[string]string{
		"a label that is not there": fmt.Sprintf(`{"messageId":%d,"label":"Nope"}`, menu.ID),
		"data that is not there":    fmt.Sprintf(`{"messageId":%d,"data":"org:new:forged"}`, menu.ID),
		"no label nor data":         fmt.Sprintf(`{"messageId":%d}`, menu.ID),
		"the person's own message":  `{"messageId":1,"label":"x"}`,
		"no such message":           `{"messageId":999,"label":"x"}`,
	} {
		t.Run(name, func(t *testing.T) {
			if got := press(body); got != http.StatusNotFound {
				t.Errorf("status %d, want 404", got)
			}
		})
	}
}

func TestRequestsThatAreRefused(t *testing.T) {
	s := newStack(t)
	long := strings.Repeat("é", MaxText+1)
	for _, tt := range []struct {
		name, method, path, body string
		contentType              string
		want                     int
	}{
		{"an unknown person", "POST", "/api/chats/42/text", `{"text":"hi"}`, "application/json", http.StatusNotFound},
		{"an unknown person's chat", "GET", "/api/chats/42", "", "", http.StatusNotFound},
		{"a text too long", "POST", "/api/chats/5001/text", `{"text":"` + long + `"}`, "application/json", http.StatusRequestEntityTooLarge},
		{"a body too large", "POST", "/api/chats/5001/text", `{"text":"` + strings.Repeat("a", maxBody) + `"}`, "application/json", http.StatusRequestEntityTooLarge},
		{"an empty text", "POST", "/api/chats/5001/text", `{"text":"   "}`, "application/json", http.StatusBadRequest},
		{"a form, not JSON", "POST", "/api/chats/5001/text", `text=hi`, "application/x-www-form-urlencoded", http.StatusUnsupportedMediaType},
		{"broken JSON", "POST", "/api/chats/5001/text", `{"text":`, "application/json", http.StatusBadRequest},
		{"an unknown field", "POST", "/api/chats/5001/text", `{"txt":"hi"}`, "application/json", http.StatusBadRequest},
		{"a file that is not there", "GET", "/api/files/5001/1", "", "", http.StatusNotFound},
		{"GET to write", "GET", "/api/chats/5001/text", "", "", http.StatusMethodNotAllowed},
	} {
		t.Run(tt.name, func(t *testing.T) {
			req, _ := http.NewRequest(tt.method, s.srv.URL+tt.path, strings.NewReader(tt.body))
			if tt.contentType != "" {
				req.Header.Set("Content-Type", tt.contentType)
			}
			res, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			res.Body.Close()
			if res.StatusCode != tt.want {
				t.Errorf("status %d, want %d", res.StatusCode, tt.want)
			}
		})
	}
	if n := len(s.tg.Messages(NewcomerID)); n != 0 {
		t.Errorf("refused requests reached Nido: %d answers", n)
	}
}

func TestTheClockMovesForwardOnly(t *testing.T) {
	s := newStack(t)
	f := s.listen()
	start := monday(t)
	for _, tt := range []struct {
		name, body string
		want       int
		at         time.Time // the clock after, when accepted
	}{
		{"an hour", `{"advance":"1h"}`, http.StatusOK, start.Add(time.Hour)},
		{"a day", `{"advance":"24h"}`, http.StatusOK, start.Add(25 * time.Hour)},
		{"to a time in Rome", `{"set":"2026-11-25T08:15"}`, http.StatusOK, time.Date(2026, 11, 25, 8, 15, 0, 0, s.loc)},
		{"to an instant", `{"set":"2026-11-25T09:00:00Z"}`, http.StatusOK, time.Date(2026, 11, 25, 10, 0, 0, 0, s.loc)},
		{"back in time", `{"set":"2026-11-24T09:00"}`, http.StatusBadRequest, time.Time{}},
		{"backwards", `{"advance":"-1h"}`, http.StatusBadRequest, time.Time{}},
		{"too far", `{"advance":"9000h"}`, http.StatusBadRequest, time.Time{}},
		{"both at once", `{"advance":"1h","set":"2026-12-01T10:00"}`, http.StatusBadRequest, time.Time{}},
		{"nothing", `{}`, http.StatusBadRequest, time.Time{}},
		{"not a date", `{"set":"domani"}`, http.StatusBadRequest, time.Time{}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			before := s.clock.Now()
			var got clockView
			res := s.call("POST", "/api/clock", tt.body, &got)
			if res.StatusCode != tt.want {
				t.Fatalf("status %d, want %d", res.StatusCode, tt.want)
			}
			if tt.want != http.StatusOK {
				if !s.clock.Now().Equal(before) {
					t.Errorf("a refused move moved the clock to %v", s.clock.Now())
				}
				return
			}
			if !got.Now.Equal(tt.at) || !s.clock.Now().Equal(tt.at) {
				t.Errorf("clock at %v (answered %v), want %v", s.clock.Now(), got.Now, tt.at)
			}
			if _, off := got.Now.Zone(); off != 3600 {
				t.Errorf("answered in offset %d, want Rome's", off)
			}
			// Every page hears of it.
			f.next("clock", func(data string) bool { return strings.Contains(data, tt.at.Format("2006-01-02T15:04")) })
		})
	}
}

func TestThePageAndItsFiles(t *testing.T) {
	s := newStack(t)
	for _, tt := range []struct{ path, contentType, contains string }{
		{"/", "text/html", `<script src="/static/app.js" defer>`},
		{"/static/app.js", "text/javascript", "renderText"},
		{"/static/app.css", "text/css", ".bubble"},
	} {
		t.Run(tt.path, func(t *testing.T) {
			res, err := http.Get(s.srv.URL + tt.path)
			if err != nil {
				t.Fatal(err)
			}
			defer res.Body.Close()
			body, err := io.ReadAll(res.Body)
			if err != nil {
				t.Fatal(err)
			}
			if res.StatusCode != http.StatusOK || !strings.HasPrefix(res.Header.Get("Content-Type"), tt.contentType) {
				t.Fatalf("status %d, type %q", res.StatusCode, res.Header.Get("Content-Type"))
			}
			if !strings.Contains(string(body), tt.contains) {
				t.Errorf("no %q", tt.contains)
			}
			if csp := res.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "script-src 'self'") {
				t.Errorf("Content-Security-Policy %q", csp)
			}
			if res.Header.Get("X-Content-Type-Options") != "nosniff" {
				t.Error("no nosniff")
			}
		})
	}
}

func TestEditsDeletesAndKeyboardsReachThePage(t *testing.T) {
	s := newStack(t)
	f := s.listen()
	// Ioana writes first, so that a bot may write to her.
	s.call("POST", fmt.Sprint("/api/chats/", NewcomerID, "/text"), `{"text":"ciao"}`, nil)
	f.message(NewcomerID, func(m messageView) bool { return m.From == "bot" })

	// A bot sends, edits and deletes through the Bot API, as Nido's bot/ does.
	id := s.botCall("sendMessage", url.Values{"chat_id": {fmt.Sprint(NewcomerID)}, "parse_mode": {"HTML"},
		"text": {"<b>Uno</b> &amp; due"}, "reply_markup": {`{"keyboard":[["Sì","No"]]}`}})
	sent := f.message(NewcomerID, func(m messageView) bool { return m.ID == id })
	if sent.Text != "Uno & due" || len(sent.Entities) != 1 || sent.Entities[0] != (entityView{Type: "bold", Offset: 0, Length: 3}) {
		t.Errorf("sent as %q with %+v", sent.Text, sent.Entities)
	}
	if len(sent.Keyboard) != 1 || strings.Join(sent.Keyboard[0], "|") != "Sì|No" {
		t.Errorf("reply keyboard %q", sent.Keyboard)
	}
	s.botCall("editMessageText", url.Values{"chat_id": {fmt.Sprint(NewcomerID)}, "message_id": {fmt.Sprint(id)}, "text": {"Tre"}})
	edited := f.message(NewcomerID, func(m messageView) bool { return m.ID == id && m.Edited })
	if edited.Text != "Tre" {
		t.Errorf("edited to %q", edited.Text)
	}
	s.botCall("deleteMessage", url.Values{"chat_id": {fmt.Sprint(NewcomerID)}, "message_id": {fmt.Sprint(id)}})
	f.next("deleted", func(data string) bool { return data == fmt.Sprintf(`{"chat":%d,"id":%d}`, NewcomerID, id) })
	var chat chatView
	s.call("GET", fmt.Sprint("/api/chats/", NewcomerID), "", &chat)
	for _, m := range chat.Messages {
		if m.ID == id {
			t.Errorf("a deleted message is still shown: %+v", m)
		}
	}
	if got := s.call("POST", fmt.Sprint("/api/chats/", NewcomerID, "/press"), fmt.Sprintf(`{"messageId":%d,"label":"Sì"}`, id), nil); got.StatusCode != http.StatusNotFound {
		t.Errorf("pressing on a deleted message: status %d", got.StatusCode)
	}
}

// botCall calls the fake Bot API as a bot does and returns the message id of the result, if any.
func (s *stack) botCall(method string, form url.Values) int {
	s.t.Helper()
	res, err := http.PostForm(s.tg.URL+"/bot1:DEMO/"+method, form)
	if err != nil {
		s.t.Fatal(err)
	}
	defer res.Body.Close()
	var out struct {
		OK     bool            `json:"ok"`
		Result json.RawMessage `json:"result"`
		Desc   string          `json:"description"`
	}
	if err := json.NewDecoder(res.Body).Decode(&out); err != nil || !out.OK {
		s.t.Fatalf("%s: %v %s", method, err, out.Desc)
	}
	var m struct {
		MessageID int `json:"message_id"`
	}
	_ = json.Unmarshal(out.Result, &m)
	return m.MessageID
}
