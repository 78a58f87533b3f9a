package scheduler

import "testing"

func TestKeys(t *testing.T) {
	k := newKeys("nido")
	tests := []struct{ got, want string }{
		{k.next(), "nido:{sched}:next"},
		{k.legacyDue(), "nido:{sched}:due"},
		{k.inflight(), "nido:{sched}:inflight"},
		{k.leases(), "nido:{sched}:leases"},
		{k.jobs(), "nido:{sched}:jobs"},
		{k.owner("m:42"), "nido:{sched}:owner:m:42"},
		{k.owner(""), "nido:{sched}:owner:"},
		{k.dead(), "nido:{sched}:dead"},
		{k.deadJobs(), "nido:{sched}:deadjobs"},
		{k.claim("TOKEN"), "nido:{sched}:claim:TOKEN"},
		{k.rules(), "nido:{sched}:rules"},
		{k.ruleNext(), "nido:{sched}:rulenext"},
		{k.ownerRules("m:42"), "nido:{sched}:ownerrules:m:42"},
	}
	for _, tt := range tests {
		t.Run(tt.want, func(t *testing.T) {
			if tt.got != tt.want {
				t.Errorf("key = %q, want %q", tt.got, tt.want)
			}
		})
	}
}
