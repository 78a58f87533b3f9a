package bot

import "testing"

func TestKeys(t *testing.T) {
	k := keys{prefix: "nido"}
	tests := []struct {
		name, got, want string
	}{
		{"inbox", k.inbox(42), "nido:bot:inbox:42"},
		{"inbox of a group", k.inbox(-1001234), "nido:bot:inbox:-1001234"},
		{"ready", k.ready(), "nido:bot:ready"},
		{"lease", k.lease(42), "nido:bot:lease:42"},
		{"seen", k.seen(900001), "nido:bot:seen:900001"},
		{"offset", k.offset(), "nido:bot:offset"},
		{"poller", k.poller(), "nido:bot:poller"},
		{"callback key", k.callbackKey(), "nido:bot:callback-key"},
		{"sent job", k.sentJob("remind:abc:2027-02-25"), "nido:bot:sent-job:remind:abc:2027-02-25"},
		{"sent jobs of a chat", k.sentJobsOf(42), "nido:bot:sent-jobs-of:42"},
		{"tries", k.tries(42), "nido:bot:tries:42"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.got != tt.want {
				t.Errorf("got %q, want %q", tt.got, tt.want)
			}
		})
	}
}
