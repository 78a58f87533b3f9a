package scheduler_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/redis/go-redis/v9"

	"nido/scheduler"
	"nido/scheduler/redistest"
)

// TestOnRedisCluster runs two schedulers on a Redis Cluster of three
// primaries, under a prefix with a hash tag as Nido requires there: every
// job runs once, cancelled ones never. The test starts its own cluster, or
// uses the nodes in NIDO_TEST_REDIS_CLUSTER (host:port,host:port,...).
func TestOnRedisCluster(t *testing.T) {
	var addrs []string
	if env := os.Getenv("NIDO_TEST_REDIS_CLUSTER"); env != "" {
		addrs = strings.Split(env, ",")
	} else {
		addrs = redistest.StartCluster(t, 3)
	}
	ctx := context.Background()
	rdb := redis.NewClusterClient(&redis.ClusterOptions{Addrs: addrs})
	t.Cleanup(func() { _ = rdb.Close() })
	prefix := fmt.Sprintf("{nidotest%d}", time.Now().UnixNano())
	var mu sync.Mutex
	runs := map[string]int{}
	h := scheduler.HandlerFunc(func(_ context.Context, j scheduler.Job) error {
		mu.Lock()
		defer mu.Unlock()
		runs[j.ID]++
		return nil
	})
	var ss []*scheduler.Scheduler
	for range 2 {
		s, err := scheduler.New(rdb, scheduler.Config{
			Prefix: prefix, QuietHours: "off", PollInterval: 20 * time.Millisecond,
			Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), Registerer: prometheus.NewRegistry(),
		})
		if err != nil {
			t.Fatal(err)
		}
		ss = append(ss, s)
	}
	const jobs, owners = 2000, 150
	now := time.Now()
	for i := range jobs {
		j := scheduler.Job{ID: fmt.Sprintf("j%d", i), Kind: "tip", Owner: fmt.Sprintf("m:%d", i%owners),
			Due: now.Add(time.Duration(i%5) * 100 * time.Millisecond)}
		if err := ss[i%2].Schedule(ctx, j); err != nil {
			t.Fatal(err)
		}
	}
	if err := ss[0].Cancel(ctx, "j7"); err != nil {
		t.Fatal(err)
	}
	if _, err := ss[1].CancelOwner(ctx, "m:3"); err != nil {
		t.Fatal(err)
	}
	if err := ss[1].AddRule(ctx, scheduler.Rule{ID: "visit", Spec: "0 10 * * 0", Kind: "visit", Owner: "m:1"}); err != nil {
		t.Fatal(err)
	}
	// Every job left is due within half a second; the schedulers run until
	// they have all run once, and a little longer to catch a second run.
	want := jobs - 1 - (jobs+owners-1-3)/owners
	runCtx, stop := context.WithCancel(ctx)
	defer stop()
	var wg sync.WaitGroup
	for _, s := range ss {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := s.Run(runCtx, h); err != nil {
				t.Error(err)
			}
		}()
	}
	for deadline := time.Now().Add(20 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		mu.Lock()
		n := len(runs)
		mu.Unlock()
		if n >= want {
			break
		}
	}
	time.Sleep(300 * time.Millisecond)
	stop()
	wg.Wait()
	mu.Lock()
	defer mu.Unlock()
	for i := range jobs {
		id, want := fmt.Sprintf("j%d", i), 1
		if id == "j7" || i%owners == 3 {
			want = 0
		}
		if runs[id] != want {
			t.Errorf("%s ran %d times, want %d", id, runs[id], want)
		}
	}
	if rules, err := ss[0].Rules(ctx, "m:1"); err != nil || len(rules) != 1 {
		t.Errorf("rules of m:1: %v, %v; want the visit", rules, err)
	}
	if n, err := ss[0].CancelOwner(ctx, "m:1"); err != nil || n == 0 {
		t.Errorf("erasing m:1 removed %d, %v; want the rule and its planned visit", n, err)
	}
}
