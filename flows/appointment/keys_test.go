package appointment

import "testing"

// The appointment keys, pinned: changing one orphans what is stored under the old name.
func TestAppointmentKeys(t *testing.T) {
	k := keys{prefix: "nido"}
	tests := []struct{ got, want string }{
		{k.appt("42"), "nido:appt:42"},
		{k.apptSeq(), "nido:appt:seq"},
		{k.motherAppts(3001), "nido:appts:mother:3001"},
		{k.orgAppts("7"), "nido:appts:org:7"},
	}
	for _, tt := range tests {
		if tt.got != tt.want {
			t.Errorf("key %q, want %q", tt.got, tt.want)
		}
	}
}
