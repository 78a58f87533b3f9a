package demo

import (
	"fmt"
	"regexp"
	"strings"
	"testing"
)

// The demo's clock jumps days ahead while Redis keeps real time: an invite
// lives its week by the demo's clock, not by Redis's.
func TestAnInviteLivesAWeekByTheDemosClock(t *testing.T) {
	s := newStack(t)
	s.seed()
	f := s.listen() // after the seed, whose own invites are used

	code := regexp.MustCompile(`start=([A-Z0-9]{8})`)
	invite := func() string {
		s.call("POST", fmt.Sprint("/api/chats/", chiaraID, "/text"), `{"text":"/invite mother Ioana"}`, nil)
		m := f.message(chiaraID, func(m messageView) bool { return m.From == "bot" && code.MatchString(m.Text) })
		return code.FindStringSubmatch(m.Text)[1]
	}
	write := func(text string) messageView {
		s.call("POST", fmt.Sprint("/api/chats/", NewcomerID, "/text"), fmt.Sprintf(`{"text":%q}`, text), nil)
		return f.message(NewcomerID, func(m messageView) bool { return m.From == "bot" })
	}
	soon, late := invite(), invite()

	s.call("POST", "/api/clock", `{"advance":"144h"}`, nil) // six days
	if m := write("/start " + soon); len(m.Buttons) == 0 || strings.Contains(m.Text, s.demo.phrase("ro", "signup.code_expired")) {
		t.Fatalf("six days on, the invite was refused: %+v", m)
	}
	s.call("POST", "/api/clock", `{"advance":"48h"}`, nil) // eight days
	if m := write("/start " + late); !strings.Contains(m.Text, s.demo.phrase("ro", "signup.code_expired")) {
		t.Fatalf("eight days on, the invite was not refused as expired: %+v", m)
	}
}
