package flows

import (
	"fmt"
	"time"

	ics "github.com/arran4/golang-ical"
)

// The calendar file that comes with every new or moved appointment or visit,
// so that the person's phone reminds her too. Times are written in UTC,
// which every calendar reads without a time-zone definition and shows in the
// phone's own zone; the UID stays the same across moves and SEQUENCE grows,
// so a calendar that imports the new file replaces the old entry.

// CalendarEvent is what goes into one calendar file.
type CalendarEvent struct {
	// UID names the event for good: "appt-42.nido@nido".
	UID string
	// Seq grows with each change of the event.
	Seq         int
	Start       time.Time
	Duration    time.Duration
	Summary     string
	Location    string
	Description string
	// Stamp is when the file was written.
	Stamp time.Time
	// Alarm, when positive, is how long before Start the phone rings.
	Alarm time.Duration
	// Cancelled makes the file one that removes the event (UID) from the
	// calendar it was imported into; Seq must grow past the last one sent.
	Cancelled bool
}

// CalendarFile writes ev as an iCalendar file with CRLF line ends (RFC 5545).
func CalendarFile(ev CalendarEvent) []byte {
	cal := ics.NewCalendar()
	cal.SetProductId("-//Nido//Nido//EN")
	cal.SetMethod(ics.MethodPublish)
	if ev.Cancelled {
		cal.SetMethod(ics.MethodCancel)
	}
	e := cal.AddEvent(ev.UID)
	e.SetDtStampTime(ev.Stamp)
	e.SetSequence(ev.Seq)
	e.SetStartAt(ev.Start)
	e.SetEndAt(ev.Start.Add(ev.Duration))
	e.SetSummary(ev.Summary)
	if ev.Cancelled {
		e.SetStatus(ics.ObjectStatusCancelled)
	}
	if ev.Location != "" {
		e.SetLocation(ev.Location)
	}
	if ev.Description != "" {
		e.SetDescription(ev.Description)
	}
	if ev.Alarm > 0 && !ev.Cancelled {
		al := e.AddAlarm()
		al.SetAction(ics.ActionDisplay)
		al.SetTrigger(fmt.Sprintf("-PT%dM", int(ev.Alarm/time.Minute)))
		al.SetProperty(ics.ComponentPropertyDescription, ev.Summary)
	}
	return []byte(cal.Serialize(ics.WithNewLineWindows))
}
