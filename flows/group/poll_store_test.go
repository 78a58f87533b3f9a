package group

import "testing"

// The poll keys, pinned: changing one orphans what is stored under the old name.
func TestPollKeys(t *testing.T) {
	k := keys{prefix: "nido"}
	tests := []struct{ got, want string }{
		{k.pollSeq(), "nido:poll:seq"},
		{k.poll("7"), "nido:poll:7"},
		{k.pollVersion("7"), "nido:poll:7:lver"},
		{k.pollBusy("7"), "nido:poll:7:lbusy"},
		{k.groupPolls("5"), "nido:group:5:polls"},
	}
	for _, tt := range tests {
		if tt.got != tt.want {
			t.Errorf("key %q, want %q", tt.got, tt.want)
		}
	}
}
