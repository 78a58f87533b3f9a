package demo

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"nido/bot/telegramtest"
)

func TestSeedBuildsTheNetworkThroughNido(t *testing.T) {
	s := newStack(t)
	f := s.listen()
	s.seed()
	f.next("seed", func(data string) bool { return data == `{"done":true,"failed":0}` })

	var st stateView
	s.call("GET", "/api/state", "", &st)
	for _, p := range st.People {
		want, _ := castByID(p.ID)
		if p.Role != want.Role || p.SignedUp != (want.Role != "") || p.Lang != want.Lang {
			t.Errorf("%s is %q in %s (signed up %v), want %q in %s", p.Name, p.Role, p.Lang, p.SignedUp, want.Role, want.Lang)
		}
	}
	// Each person got there through a conversation: the newcomer has none yet.
	if n := len(s.tg.Messages(NewcomerID)); n != 0 {
		t.Errorf("the newcomer already has %d messages", n)
	}
	people, err := s.demo.cfg.People.Members(context.Background(), "1", "mother")
	if err != nil || len(people) != 3 {
		t.Fatalf("Casa Aurora's mothers: %v, %v", people, err)
	}

	// Three appointments, each with its calendar file, which the page downloads.
	for _, id := range []int64{aminaID, olenaID, mariaID} {
		var chat chatView
		s.call("GET", fmt.Sprint("/api/chats/", id), "", &chat)
		var url string
		for _, m := range chat.Messages {
			if m.Document != nil {
				url = m.Document.URL
			}
		}
		if url == "" {
			t.Errorf("chat %d: no calendar file", id)
			continue
		}
		res, err := http.Get(s.srv.URL + url)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(res.Body)
		res.Body.Close()
		if res.Header.Get("Content-Type") != "text/calendar" || !strings.HasPrefix(res.Header.Get("Content-Disposition"), "attachment") ||
			!strings.HasPrefix(string(body), "BEGIN:VCALENDAR") {
			t.Errorf("chat %d: %s served as %q, %q: %.40q", id, url, res.Header.Get("Content-Type"),
				res.Header.Get("Content-Disposition"), body)
		}
	}
}

// The mutual-aid group: its two mothers were told of it and of its first
// meeting, in their languages, and have its open poll; the third mother has
// neither.
func TestSeedMakesTheMutualAidGroup(t *testing.T) {
	s := newStack(t)
	f := s.listen()
	s.seed()
	f.next("seed", func(data string) bool { return data == `{"done":true,"failed":0}` })
	told := func(id int64) bool {
		p := s.demo.cast(id)
		want := s.demo.phraseWith(p.Lang, "group.meeting_new", map[string]any{"Group": GroupName})
		for _, m := range s.tg.Messages(id) {
			if strings.Contains(telegramtest.Visible(m.Plain()), want) {
				return true
			}
		}
		return false
	}
	for _, id := range []int64{aminaID, olenaID} {
		if !told(id) {
			t.Errorf("mother %d was not told of the group's meeting", id)
		}
	}
	if told(mariaID) {
		t.Error("Maria, not in the group, was told of its meeting")
	}
	// Its open poll: each of its mothers has one, with a button for each date.
	for _, id := range []int64{aminaID, olenaID, mariaID} {
		p := s.demo.cast(id)
		title := s.demo.phraseWith(p.Lang, "group.poll_title", map[string]any{"Group": GroupName})
		polls := 0
		for _, m := range s.tg.Messages(id) {
			if strings.Contains(telegramtest.Visible(m.Plain()), title) {
				polls++
				if len(m.Buttons) != 2 {
					t.Errorf("mother %d's poll has %d rows of buttons, want 2", id, len(m.Buttons))
				}
			}
		}
		if want := map[bool]int{true: 0, false: 1}[id == mariaID]; polls != want {
			t.Errorf("mother %d has %d polls, want %d", id, polls, want)
		}
	}
}

func TestSeedGoesOnWhenAStepFails(t *testing.T) {
	// A failing step waits this long for an answer that never comes.
	s := newStack(t, func(c *Config) { c.StepTimeout = 2 * time.Second })
	// Marco blocked Nido: he cannot sign up, so he invites nobody.
	s.tg.Block(marcoID)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	err := s.demo.Seed(ctx)
	if err == nil || !strings.Contains(err.Error(), "admin") || !strings.Contains(err.Error(), "staff") {
		t.Fatalf("seed error %v, want the admin's last step and Marco's people", err)
	}
	for _, id := range []int64{aminaID, olenaID, bianchiID} {
		if !s.demo.signedUp(ctx, s.demo.cast(id)) {
			t.Errorf("%d is not signed up, though Chiara could invite", id)
		}
	}
	for _, id := range []int64{marcoID, mariaID, martinID} {
		if s.demo.signedUp(ctx, s.demo.cast(id)) {
			t.Errorf("%d signed up without Marco", id)
		}
	}
	// The admin's last step, Marco's people, Maria's interview and the
	// Martin family's pairing.
	if st := s.demo.seedState(); !st.Done || st.Failed != 4 {
		t.Errorf("seed state %+v, want done with 4 failed steps", st)
	}
}

// The families: each paired with a mother, who is told of her visit in her
// language; the Bianchi family is asked at once to confirm its visit, three
// hours ahead, and how it went once the clock passed it.
func TestSeedPairsTheFamilies(t *testing.T) {
	s := newStack(t) // Monday, noon
	f := s.listen()
	s.seed()
	has := func(id int64, msgID string, data map[string]any) bool {
		want := s.demo.phraseWith(s.demo.cast(id).Lang, msgID, data)
		for _, m := range s.tg.Messages(id) {
			if strings.Contains(telegramtest.Visible(m.Plain()), want) {
				return true
			}
		}
		return false
	}
	if !has(aminaID, "family.visit_new_mother", map[string]any{"Family": "Lucia"}) {
		t.Error("Amina was not told of the Bianchi family's visit")
	}
	if !has(mariaID, "family.visit_new_mother", map[string]any{"Family": "Élise"}) {
		t.Error("Maria was not told of the Martin family's visit")
	}
	if !has(martinID, "family.visit_new_family", map[string]any{"Mother": "Maria"}) {
		t.Error("the Martin family was not told of its visit")
	}
	ask := s.demo.phraseWith("it", "family.confirm_ask", map[string]any{"Mother": "Amina"})
	f.message(bianchiID, func(m messageView) bool { return strings.Contains(m.Text, ask) })

	s.call("POST", "/api/clock", `{"advance":"6h"}`, nil)
	how := s.demo.phraseWith("it", "family.checkin_ask", map[string]any{"Mother": "Amina"})
	f.message(bianchiID, func(m messageView) bool { return strings.Contains(m.Text, how) })
}

func TestSoonVisitKeepsOutOfQuietHours(t *testing.T) {
	loc := monday(t).Location()
	for _, tt := range []struct{ now, want time.Time }{
		{time.Date(2026, 11, 23, 12, 10, 0, 0, loc), time.Date(2026, 11, 23, 15, 0, 0, 0, loc)},
		{time.Date(2026, 11, 23, 22, 10, 0, 0, loc), time.Date(2026, 11, 24, 11, 0, 0, 0, loc)},
		{time.Date(2026, 11, 23, 2, 0, 0, 0, loc), time.Date(2026, 11, 23, 11, 0, 0, 0, loc)},
	} {
		if got := soonVisit(tt.now); !got.Equal(tt.want) {
			t.Errorf("at %v: visit at %v, want %v", tt.now, got, tt.want)
		}
	}
}

// The workshop: Chiara's broadcast reached the three mothers, each in her
// language's frame, and Amina's answer is in the report in Chiara's chat.
func TestSeedAnnouncesTheWorkshop(t *testing.T) {
	s := newStack(t) // Monday, noon: not in the quiet hours
	f := s.listen()
	s.seed()
	f.next("seed", func(data string) bool { return data == `{"done":true,"failed":0}` })
	first, _, _ := strings.Cut(Workshop, "\n")
	has := func(id int64, texts ...string) bool {
		for _, m := range s.tg.Messages(id) {
			all := true
			for _, want := range texts {
				all = all && strings.Contains(telegramtest.Visible(m.Plain()), want)
			}
			if all {
				return true
			}
		}
		return false
	}
	for _, id := range []int64{aminaID, olenaID, mariaID} {
		if !has(id, first) {
			t.Errorf("mother %d did not get the workshop", id)
		}
	}
	if !has(aminaID, first, s.demo.phrase(s.demo.cast(aminaID).Lang, "broadcast.you_come")) {
		t.Error("Amina's copy does not show that she comes")
	}
	at, _, _ := strings.Cut(s.demo.phraseWith("it", "broadcast.report_answers", map[string]any{"When": "\x00", "Yes": 1, "No": 0}), "\x00")
	counts := strings.TrimPrefix(s.demo.phraseWith("it", "broadcast.report_answers", map[string]any{"When": "", "Yes": 1, "No": 0}), at)
	if !has(chiaraID, counts) {
		t.Errorf("Chiara's report does not say %q", counts)
	}
}

// The seeded mother has written to her social worker in her own words,
// and the social worker has her message, waiting for an answer, with a
// button to answer her.
func TestSeedHasAMotherWritingToHerSocialWorker(t *testing.T) {
	s := newStack(t)
	f := s.listen()
	s.seed()
	f.next("seed", func(data string) bool { return data == `{"done":true,"failed":0}` })
	for _, m := range s.tg.Messages(chiaraID) {
		if !strings.Contains(m.Plain(), Question) {
			continue
		}
		answer := s.demo.phraseWith("it", "helpdesk.answer_to", map[string]any{"Name": "Olena"})
		for _, l := range m.Labels() {
			if l == answer {
				return
			}
		}
		t.Fatalf("Chiara's copy has no %q button: %q", answer, m.Labels())
	}
	t.Fatal("Chiara did not get Olena's message")
}
