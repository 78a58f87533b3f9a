package flows

import "testing"

// The people's keys, pinned: changing one orphans what is stored under the old name.
func TestKeys(t *testing.T) {
	k := keys{prefix: "nido"}
	tests := []struct{ got, want string }{
		{k.person(3001), "nido:person:3001"},
		{k.orgSeq(), "nido:org:seq"},
		{k.orgs(), "nido:orgs"},
		{k.org("7"), "nido:org:7"},
		{k.members("7", RoleMother), "nido:org:7:members:mother"},
		{k.invite("K7P4MX2Q"), "nido:invite:K7P4MX2Q"},
		{k.invitesBy(2001), "nido:invites-by:2001"},
		{k.inviteFails(3001), "nido:invite-fails:3001"},
		{k.conv(3001), "nido:conv:3001"},
	}
	for _, tt := range tests {
		if tt.got != tt.want {
			t.Errorf("key %q, want %q", tt.got, tt.want)
		}
	}
}
