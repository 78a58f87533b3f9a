package flows

import (
	"fmt"
	"testing"
)

// Telegram takes at most 100 buttons a message: a large organisation's
// lists of mothers stay within it, and every button has a label from the
// locales or a mother's name.
func TestMotherListsStayWithinTelegramsButtons(t *testing.T) {
	w := newApptWorld(t)
	for i := range 120 {
		m := Person{ID: int64(5000 + i), Role: RoleMother, OrgID: "1", Lang: "it", Name: fmt.Sprintf("M%d", i)}
		if err := w.e.People().Save(w.ctx, m); err != nil {
			t.Fatal(err)
		}
	}
	for _, in := range []string{"/appointments", "/appointment"} {
		t.Run(in, func(t *testing.T) {
			w.do(w.staff, in)
			w.out.mu.Lock()
			m := w.out.sent[len(w.out.sent)-1]
			w.out.mu.Unlock()
			n := 0
			for _, row := range m.Buttons {
				for _, b := range row {
					n++
					if (b.Label.ID == "") == (b.Label.Plain == "") {
						t.Errorf("button %q has label %+v", b.Data, b.Label)
					}
				}
			}
			if n < maxMotherButtons || n > 100 {
				t.Errorf("%d buttons", n)
			}
		})
	}
}
