package interview

import "testing"

// The interview keys, pinned: changing one orphans what is stored under the old name.
func TestInterviewKeys(t *testing.T) {
	k := keys{prefix: "nido"}
	tests := []struct{ got, want string }{
		{k.seq(), "nido:interview:seq"},
		{k.interview("42"), "nido:interview:42"},
		{k.motherInterviews(3001), "nido:interviews:mother:3001"},
		{k.orgInterviews("7"), "nido:interviews:org:7"},
	}
	for _, tt := range tests {
		if tt.got != tt.want {
			t.Errorf("key %q, want %q", tt.got, tt.want)
		}
	}
}

// The tips by position: the earliest says what to bring, the last is the
// checklist, those between the route; a single tip is the checklist.
func TestTipOf(t *testing.T) {
	for _, tt := range []struct {
		i, n int
		want string
	}{{0, 3, tipBring}, {1, 3, tipRoute}, {2, 3, tipLast}, {0, 1, tipLast}, {0, 2, tipBring}, {1, 2, tipLast}, {2, 4, tipRoute}} {
		if got := tipOf(tt.i, tt.n); got != tt.want {
			t.Errorf("tip %d of %d: %s, want %s", tt.i, tt.n, got, tt.want)
		}
	}
}
