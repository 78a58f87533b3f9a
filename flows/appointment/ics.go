package appointment

import (
	"fmt"
	"time"

	"nido/flows"

	ics "github.com/arran4/golang-ical"
)

// The calendar file that comes with every new or moved appointment, so that
// her phone reminds her too. Times are written in UTC, which every calendar
// reads without a time-zone definition and shows in the phone's own zone;
// the UID stays the same across moves and SEQUENCE grows, so a calendar that
// imports the new file replaces the old entry.

// icsAlarm is how long before the appointment the phone's own alarm rings.
const icsAlarm = time.Hour

// icsEvent is what goes into one calendar file.
type icsEvent struct {
	UID         string
	Seq         int
	Start       time.Time
	Duration    time.Duration
	Summary     string
	Location    string
	Description string
	Stamp       time.Time
	Alarm       time.Duration
}

// icsFile writes ev as an iCalendar file with CRLF line ends (RFC 5545).
func icsFile(ev icsEvent) []byte {
	cal := ics.NewCalendar()
	cal.SetProductId("-//Nido//Appointments//EN")
	cal.SetMethod(ics.MethodPublish)
	e := cal.AddEvent(ev.UID)
	e.SetDtStampTime(ev.Stamp)
	e.SetSequence(ev.Seq)
	e.SetStartAt(ev.Start)
	e.SetEndAt(ev.Start.Add(ev.Duration))
	e.SetSummary(ev.Summary)
	if ev.Location != "" {
		e.SetLocation(ev.Location)
	}
	if ev.Description != "" {
		e.SetDescription(ev.Description)
	}
	if ev.Alarm > 0 {
		al := e.AddAlarm()
		al.SetAction(ics.ActionDisplay)
		al.SetTrigger(fmt.Sprintf("-PT%dM", int(ev.Alarm/time.Minute)))
		al.SetProperty(ics.ComponentPropertyDescription, ev.Summary)
	}
	return []byte(cal.Serialize(ics.WithNewLineWindows))
}

// apptDocument is a's calendar file, its texts in lang.
func (e *capability) apptDocument(a Appointment, lang string) flows.Document {
	summary := a.Note
	if a.Kind != "other" || a.Note == "" {
		if s, err := e.Texts().Text(lang, "appointment.kind_"+a.Kind, nil, nil); err == nil {
			summary = s
		}
	}
	desc := ""
	if a.Note != "" && a.Kind != "other" {
		desc = a.Note
	}
	if a.Place != "" {
		if desc != "" {
			desc += "\n"
		}
		desc += flows.MapsURL(a.Place)
	}
	content := icsFile(icsEvent{
		UID: "appt-" + a.ID + "." + e.Prefix() + "@nido", Seq: a.Seq, Start: a.At, Duration: time.Hour,
		Summary: summary, Location: a.Place, Description: desc, Stamp: e.Now(), Alarm: icsAlarm,
	})
	return flows.Document{Name: "appointment-" + a.At.Format("2006-01-02") + ".ics", Content: content,
		Caption: flows.T{ID: "ics.caption"}}
}
