package family

import (
	"time"

	"nido/flows"
)

// The calendar file that comes with every visit planned, moved or
// cancelled, so that the mother's phone shows it (the core's calendar.go
// writes it). One UID per visit; each version has its own SEQUENCE, and a
// cancellation one past it.

// visitDocument is v's calendar file for the mother, its texts in lang.
func (e *capability) visitDocument(v Visit, fam flows.Person, lang string, cancelled bool) *flows.Document {
	summary, err := e.Texts().Text(lang, "family.ics_summary", map[string]any{"Family": firstName(fam.Name)}, nil)
	if err != nil {
		summary = firstName(fam.Name)
	}
	ev := flows.CalendarEvent{UID: "visit-" + v.ID + "." + e.Prefix() + "@nido", Seq: v.Seq, Start: v.At,
		Duration: 2 * time.Hour, Summary: summary, Stamp: e.Now(), Alarm: time.Hour, Cancelled: cancelled}
	if cancelled {
		ev.Seq++
	}
	if v.Place != "" {
		ev.Location, ev.Description = v.Place, flows.MapsURL(v.Place)
	}
	return &flows.Document{Name: "visit-" + v.At.Format("2006-01-02") + ".ics", Content: flows.CalendarFile(ev),
		Caption: flows.T{ID: "ics.caption"}}
}
