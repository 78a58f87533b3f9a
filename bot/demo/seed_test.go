package demo

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"
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
// meeting, in their languages; the third mother was not.
func TestSeedMakesTheMutualAidGroup(t *testing.T) {
	s := newStack(t)
	f := s.listen()
	s.seed()
	f.next("seed", func(data string) bool { return data == `{"done":true,"failed":0}` })
	told := func(id int64) bool {
		p := s.demo.cast(id)
		want := s.demo.phraseWith(p.Lang, "group.meeting_new", map[string]any{"Group": GroupName})
		for _, m := range s.tg.Messages(id) {
			if strings.Contains(m.Plain(), want) {
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
	if st := s.demo.seedState(); !st.Done || st.Failed != 3 {
		t.Errorf("seed state %+v, want done with 3 failed steps", st)
	}
}
