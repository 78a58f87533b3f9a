package appointment

import (
	"time"

	"nido/flows"
)

// The calendar file that comes with every new or moved appointment (the
// core's calendar.go writes it).

// icsAlarm is how long before the appointment the phone's own alarm rings.
const icsAlarm = time.Hour

// apptDocument is a's calendar file, its texts in lang.
func (e *capability) apptDocument(a Appointment, lang string) flows.Document {
	summary := apptWhat(a).Plain
	if summary == "" {
		if s, err := e.Texts().Text(lang, "appointment.kind_"+a.Kind, nil, nil); err == nil {
			summary = s
		}
	}
	desc := apptNote(a)
	if a.Place != "" {
		if desc != "" {
			desc += "\n"
		}
		desc += flows.MapsURL(a.Place)
	}
	content := flows.CalendarFile(flows.CalendarEvent{
		UID: "appt-" + a.ID + "." + e.Prefix() + "@nido", Seq: a.Seq, Start: a.At, Duration: time.Hour,
		Summary: summary, Location: a.Place, Description: desc, Stamp: e.Now(), Alarm: icsAlarm,
	})
	return flows.Document{Name: "appointment-" + a.At.Format("2006-01-02") + ".ics", Content: content,
		Caption: flows.T{ID: "ics.caption"}}
}
