package helpdesk

import "testing"

// The helpdesk keys, pinned: changing one orphans what is stored under the
// old name. A writer's keys share her id as a hash tag, so that one script
// can touch them all within one slot of a Cluster.
func TestHelpdeskKeys(t *testing.T) {
	k := keys{prefix: "nido"}
	tests := []struct{ got, want string }{
		{k.writer(3001), "nido:help:{3001}"},
		{k.thread(3001, "2"), "nido:help:{3001}:t:2"},
		{k.messages(3001, "2"), "nido:help:{3001}:t:2:m"},
		{k.staffIn(3001, "2"), "nido:help:{3001}:t:2:s"},
		{k.seq(3001), "nido:help:{3001}:seq"},
		{k.cur(3001), "nido:help:{3001}:cur"},
		{k.updates(3001), "nido:help:{3001}:upd"},
		{k.public("Q7XK2M9A"), "nido:help:pub:Q7XK2M9A"},
		{k.pending(3001), "nido:help:{3001}:pend"},
		{k.scheduled(3001), "nido:help:{3001}:sched"},
		{k.threads("7"), "nido:help:org:7"},
	}
	for _, tt := range tests {
		if tt.got != tt.want {
			t.Errorf("key %q, want %q", tt.got, tt.want)
		}
	}
}

// A thread's place is read back only when it is exactly "w.n".
func TestParseThreadRef(t *testing.T) {
	for _, ok := range []string{"3001.1", "42.17"} {
		if _, _, good := parseRef(ok); !good {
			t.Errorf("%q refused", ok)
		}
	}
	for _, bad := range []string{"", "3001", "3001.", ".1", "3001.0", "3001.01", "-4.1", "3001.1.2", "x.1", "3001.x"} {
		if _, _, good := parseRef(bad); good {
			t.Errorf("%q accepted", bad)
		}
	}
}
