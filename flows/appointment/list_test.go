package appointment

import (
	"fmt"
	"testing"

	"nido/flows"
)

// Telegram takes at most 100 buttons a message: a large organisation's
// lists of mothers stay within it, and every button has a label from the
// locales or a mother's name.
func TestMotherListsStayWithinTelegramsButtons(t *testing.T) {
	w := newApptWorld(t)
	for i := range 120 {
		m := flows.Person{ID: int64(5000 + i), Role: flows.RoleMother, OrgID: "1", Lang: "it", Name: fmt.Sprintf("M%d", i)}
		if err := w.E.People().Save(w.Ctx, m); err != nil {
			t.Fatal(err)
		}
	}
	for _, in := range []string{"/appointments", "/appointment"} {
		t.Run(in, func(t *testing.T) {
			w.Do(w.Staff, in)
			sent := w.Out.Sent()
			m := sent[len(sent)-1]
			n := 0
			for _, row := range m.Buttons {
				for _, b := range row {
					n++
					if (b.Label.ID == "") == (b.Label.Plain == "") {
						t.Errorf("button %q has label %+v", b.Data, b.Label)
					}
				}
			}
			if n < flows.MaxButtons || n > 100 {
				t.Errorf("%d buttons", n)
			}
		})
	}
}
