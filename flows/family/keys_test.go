package family

import (
	"testing"
	"time"
)

// The family keys, pinned: changing one orphans what is stored under the old name.
func TestFamilyKeys(t *testing.T) {
	k := keys{prefix: "nido"}
	tests := []struct{ got, want string }{
		{k.pairSeq(), "nido:family:pair:seq"},
		{k.pair("4"), "nido:family:pair:4"},
		{k.orgPairs("7"), "nido:family:pairs:org:7"},
		{k.personPairs(3001), "nido:family:pairs:person:3001"},
		{k.visitSeq(), "nido:family:visit:seq"},
		{k.visit("12-20261126"), "nido:family:visit:12-20261126"},
		{k.pairVisits("4"), "nido:family:pair:4:visits"},
		{k.orgVisits("7"), "nido:family:visits:org:7"},
		{k.orgConcerns("7"), "nido:family:concerns:org:7"},
		{k.seriesSeq(), "nido:family:series:seq"},
		{k.series("3"), "nido:family:series:3"},
		{k.pairSeries("4"), "nido:family:pair:4:series"},
	}
	for _, tt := range tests {
		if tt.got != tt.want {
			t.Errorf("key %q, want %q", tt.got, tt.want)
		}
	}
}

// A recurring visit's rule fires leadDays before each visit, at the visit's
// own time of day, on the weekday that many days before; every-two-weeks
// counts whole weeks from the first visit by the calendar, DST or not.
func TestSeriesRuleAndWeeks(t *testing.T) {
	for _, tt := range []struct {
		confirm time.Duration
		weekday time.Weekday
		spec    string
	}{
		{24 * time.Hour, time.Thursday, "30 10 * * 2"},
		{24 * time.Hour, time.Monday, "30 10 * * 6"},
		{36 * time.Hour, time.Tuesday, "30 10 * * 6"},
		{2 * time.Hour, time.Sunday, "30 10 * * 5"},
	} {
		e := &capability{cfg: Config{ConfirmBefore: tt.confirm}}
		r := e.seriesRule(Series{ID: "3", Pair: "4", Clock: "1030", Weekday: tt.weekday})
		if r.Spec != tt.spec || r.ID != "famseries:3" || r.Owner != "fampair:4" || !r.Urgent ||
			r.EventAfter != time.Duration(e.leadDays())*24*time.Hour {
			t.Errorf("confirm %v, %v: rule %+v, want spec %q", tt.confirm, tt.weekday, r, tt.spec)
		}
	}
	loc, err := time.LoadLocation("Europe/Rome")
	if err != nil {
		t.Fatal(err)
	}
	first := time.Date(2027, 3, 18, 0, 0, 0, 0, loc)
	for days, want := range map[int]int{7: 1, 14: 2, 13: 1, 21: 3, 0: 0} {
		if got := weeksBetween(first, first.AddDate(0, 0, days)); got != want {
			t.Errorf("%d days after: %d weeks, want %d", days, got, want)
		}
	}
}
