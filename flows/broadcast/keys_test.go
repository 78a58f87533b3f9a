package broadcast

import "testing"

// The broadcast keys, pinned: changing one orphans what is stored under the
// old name. A broadcast's own keys share its id as a hash tag, so that its
// scripts run within one slot of a Cluster.
func TestBroadcastKeys(t *testing.T) {
	k := keys{prefix: "nido"}
	tests := []struct{ got, want string }{
		{k.seq(), "nido:bcast:seq"},
		{k.record("12"), "nido:bcast:{12}"},
		{k.recipients("12"), "nido:bcast:{12}:to"},
		{k.outcome("12"), "nido:bcast:{12}:out"},
		{k.answers("12"), "nido:bcast:{12}:ans"},
		{k.lock("12"), "nido:bcast:{12}:lock"},
		{k.tries("12"), "nido:bcast:{12}:tries"},
		{k.reportBusy("12"), "nido:bcast:{12}:rbusy"},
		{k.reportVersion("12"), "nido:bcast:{12}:rver"},
		{k.orgIndex("7"), "nido:bcast:org:7"},
		{k.allIndex(), "nido:bcast:all"},
		{k.personAnswers(3001), "nido:bcast:answered:3001"},
	}
	for _, tt := range tests {
		if tt.got != tt.want {
			t.Errorf("key %q, want %q", tt.got, tt.want)
		}
	}
}
