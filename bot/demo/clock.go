package demo

import (
	"errors"
	"net/http"
	"time"
)

// The page's clock control: it moves the clock the flows and the scheduler
// read, so what is due comes now. It only moves forward, as time does for
// Nido: reminders already sent stay sent.

// maxJump is the furthest the clock moves at once.
const maxJump = 366 * 24 * time.Hour

// serveClock answers {"advance": "1h"} or {"set": "2026-11-24T09:00"} (in
// the network's time zone, or RFC 3339 with its own offset).
func (d *Demo) serveClock(w http.ResponseWriter, r *http.Request) {
	var in struct {
		Advance string `json:"advance"`
		Set     string `json:"set"`
	}
	if !readJSON(w, r, &in) {
		return
	}
	now := d.cfg.Clock.Now()
	var to time.Time
	switch {
	case in.Advance != "" && in.Set == "":
		step, err := time.ParseDuration(in.Advance)
		if err != nil || step <= 0 {
			writeError(w, http.StatusBadRequest, `advance by a positive duration, such as "1h" or "24h"`)
			return
		}
		to = now.Add(step)
	case in.Set != "" && in.Advance == "":
		t, err := d.parseClock(in.Set)
		if err != nil {
			writeError(w, http.StatusBadRequest, `set a date and time, such as "2026-11-24T09:00"`)
			return
		}
		to = t
	default:
		writeError(w, http.StatusBadRequest, `send either "advance" or "set"`)
		return
	}
	switch {
	case to.Before(now):
		writeError(w, http.StatusBadRequest, "the demo's clock only moves forward")
		return
	case to.Sub(now) > maxJump:
		writeError(w, http.StatusBadRequest, "at most a year at a time")
		return
	}
	d.cfg.Clock.Set(to)
	writeJSON(w, http.StatusOK, d.clockView())
}

// parseClock reads RFC 3339, or a date and time on the network's clocks as
// an <input type="datetime-local"> gives it.
func (d *Demo) parseClock(s string) (time.Time, error) {
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t, nil
	}
	for _, layout := range []string{"2006-01-02T15:04", "2006-01-02T15:04:05"} {
		if t, err := time.ParseInLocation(layout, s, d.cfg.Location); err == nil {
			return t, nil
		}
	}
	return time.Time{}, errors.New("not a date and time")
}
