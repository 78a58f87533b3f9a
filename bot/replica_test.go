package bot

import (
	"context"
	"log/slog"
	"testing"
	"time"

	"nido/scheduler/redistest"
)

// Behind Sentinel, the record that a message went out waits for the
// replica. The master dies while the replica is cut off from it: the record
// it took is lost with it, but the write had not returned, so the Sender
// kept the record and writes it on the new master. Without the wait, the
// write returns at once and the new master never learns of it.
func TestRecordWaitsForTheReplica(t *testing.T) {
	s := redistest.StartSentinel(t)
	rdb := s.Client()
	log := slog.New(slog.DiscardHandler)
	rec := &records{rdb: rdb, k: testKeys, log: log, rep: &replicas{on: true, log: log}}
	ctx := context.Background()

	rec.write(ctx, 1, "before", 0, 10, jobRecord)
	s.CutReplica(800 * time.Millisecond)
	written := make(chan struct{})
	go func() {
		rec.write(ctx, 1, "cut", 0, 11, jobRecord)
		close(written)
	}()
	select {
	case <-written:
		t.Fatal("the record did not wait for the replica")
	case <-time.After(300 * time.Millisecond):
	}
	s.Failover()
	<-written

	for job, id := range map[string]string{"before": "10", "cut": "11"} {
		deadline := time.Now().Add(waitFor)
		for {
			got, err := rdb.HGet(ctx, testKeys.sentJob(job), "0").Result()
			if err == nil && got == id {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("the new master has %q for job %s, want %s: %v", got, job, id, err)
			}
			time.Sleep(50 * time.Millisecond)
		}
	}
}

// BenchmarkRecordBehindSentinel is what waiting for the replica costs each
// sent message, against a master and a replica on this machine.
func BenchmarkRecordBehindSentinel(b *testing.B) {
	s := redistest.StartSentinel(b)
	rdb := s.Client()
	log := slog.New(slog.DiscardHandler)
	ctx := context.Background()
	for _, wait := range []bool{false, true} {
		name := "without waiting"
		if wait {
			name = "waiting for the replica"
		}
		b.Run(name, func(b *testing.B) {
			rec := &records{rdb: rdb, k: testKeys, log: log, rep: &replicas{on: wait, log: log}}
			for i := 0; b.Loop(); i++ {
				if err := rec.store(ctx, 1, "job", map[int]int{0: i}, jobRecord); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
