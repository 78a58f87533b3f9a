package scheduler

import (
	"testing"
	"time"
)

func TestFromWall(t *testing.T) {
	loc := rome(t)
	cet := time.FixedZone("CET", 3600)
	cest := time.FixedZone("CEST", 7200)
	tests := []struct {
		name string
		wall time.Time
		want time.Time
	}{
		{"winter", time.Date(2026, 1, 15, 10, 0, 0, 0, time.UTC), time.Date(2026, 1, 15, 10, 0, 0, 0, cet)},
		{"summer", time.Date(2026, 7, 15, 10, 0, 0, 0, time.UTC), time.Date(2026, 7, 15, 10, 0, 0, 0, cest)},
		{"before the March gap", time.Date(2026, 3, 29, 1, 59, 0, 0, time.UTC), time.Date(2026, 3, 29, 1, 59, 0, 0, cet)},
		{"in the March gap reads as CET", time.Date(2026, 3, 29, 2, 30, 0, 0, time.UTC), time.Date(2026, 3, 29, 3, 30, 0, 0, cest)},
		{"after the March gap", time.Date(2026, 3, 29, 3, 0, 0, 0, time.UTC), time.Date(2026, 3, 29, 3, 0, 0, 0, cest)},
		{"repeated October hour takes the first", time.Date(2026, 10, 25, 2, 30, 0, 0, time.UTC), time.Date(2026, 10, 25, 2, 30, 0, 0, cest)},
		{"start of the repeated hour", time.Date(2026, 10, 25, 2, 0, 0, 0, time.UTC), time.Date(2026, 10, 25, 2, 0, 0, 0, cest)},
		{"after the repeated hour", time.Date(2026, 10, 25, 3, 0, 0, 0, time.UTC), time.Date(2026, 10, 25, 3, 0, 0, 0, cet)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := fromWall(tt.wall, loc)
			if !got.Equal(tt.want) {
				t.Errorf("fromWall(%s) = %s, want %s", tt.wall.Format("2006-01-02 15:04"), got, tt.want)
			}
			if got.Location() != loc {
				t.Errorf("location = %v, want %v", got.Location(), loc)
			}
		})
	}
}

func TestToWall(t *testing.T) {
	loc := rome(t)
	got := toWall(time.Date(2026, 10, 25, 1, 30, 0, 0, time.UTC), loc) // 02:30 CET, the second one
	if want := time.Date(2026, 10, 25, 2, 30, 0, 0, time.UTC); !got.Equal(want) {
		t.Errorf("toWall = %s, want %s", got, want)
	}
}
