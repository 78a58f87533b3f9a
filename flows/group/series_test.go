package group

import (
	"testing"
	"time"
)

// The keys of recurring meetings, pinned.
func TestSeriesKeys(t *testing.T) {
	k := keys{prefix: "nido"}
	for _, tt := range []struct{ got, want string }{
		{k.series("3"), "nido:groupseries:3"},
		{k.groupSeries("5"), "nido:group:5:series"},
	} {
		if tt.got != tt.want {
			t.Errorf("key %q, want %q", tt.got, tt.want)
		}
	}
}

// Meeting ids are counter ids, or a recurring meeting's id and a day;
// anything else never reaches Redis.
func TestMeetingIDs(t *testing.T) {
	for id, want := range map[string]bool{"42": true, "3-20270325": true, "": false, "3-": false, "-20270325": false,
		"3-2027032": false, "3-2027032x": false, "3-20270325-1": false, "a": false, "3:20270325": false} {
		if got := isMeetingID(id); got != want {
			t.Errorf("isMeetingID(%q) = %v, want %v", id, got, want)
		}
	}
}

// A recurring meeting's rule fires a week before each meeting, at its time,
// and ends once its last meeting is planned.
func TestSeriesRule(t *testing.T) {
	w, _, _, _ := groupWorld(t)
	r, ok := w.c.seriesRule(Series{ID: "3", Group: "5", Clock: "1030", Weekday: time.Tuesday})
	if !ok || r.Spec != "30 10 * * 2" || r.ID != "grpseries:3" || r.Owner != "group:5" || !r.Urgent ||
		r.EventAfter != 7*24*time.Hour || r.Args["series"] != "3" || !r.End.IsZero() {
		t.Errorf("rule %+v", r)
	}
	now := w.Clock.Now()
	last := now.AddDate(0, 0, 30).Format("20060102")
	r, ok = w.c.seriesRule(Series{ID: "3", Group: "5", Clock: "1030", Weekday: time.Tuesday, Until: last})
	if !ok || r.End.IsZero() {
		t.Errorf("rule until %s: %+v, %v", last, r, ok)
	}
	if _, ok := w.c.seriesRule(Series{ID: "3", Group: "5", Clock: "1030", Until: now.AddDate(0, 0, 3).Format("20060102")}); ok {
		t.Error("a rule with nothing left to plan")
	}
}
