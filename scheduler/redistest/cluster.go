package redistest

import (
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
)

// clusterSlots is the number of hash slots of a Redis Cluster.
const clusterSlots = 16384

// StartCluster starts a Redis Cluster of n primaries, each a redis-server on
// free ports in a temp dir, gives each an equal share of the slots, and
// waits until the cluster is up. It returns the nodes' addresses. The
// embedded Redis has no cluster mode: without redis-server the test is
// skipped, or fails when NIDO_TEST_REQUIRE_REDIS is set.
func StartCluster(t testing.TB, n int) []string {
	t.Helper()
	if _, err := exec.LookPath("redis-server"); err != nil {
		requireReal(t, "a Redis Cluster needs redis-server")
	}
	ctx := context.Background()
	addrs, buses := make([]string, n), make([]int, n)
	for i := range n {
		s := &Server{t: t, Real: true, dir: t.TempDir(), Addr: "127.0.0.1:" + strconv.Itoa(freePort(t))}
		// The cluster bus port defaults to the port plus 10000, which may be
		// taken or past 65535: it gets a free port of its own.
		buses[i] = freePort(t)
		s.opts.args = []string{"--cluster-enabled", "yes", "--cluster-port", strconv.Itoa(buses[i]),
			"--cluster-config-file", "nodes.conf", "--cluster-node-timeout", "2000"}
		s.start()
		t.Cleanup(s.stop)
		addrs[i] = s.Addr
	}
	first := redis.NewClient(&redis.Options{Addr: addrs[0]})
	defer first.Close()
	for i, addr := range addrs {
		c := redis.NewClient(&redis.Options{Addr: addr})
		lo, hi := i*clusterSlots/n, (i+1)*clusterSlots/n-1
		err := c.Do(ctx, "CLUSTER", "ADDSLOTSRANGE", lo, hi).Err()
		c.Close()
		if err != nil {
			t.Fatalf("cluster node %s: add slots: %v", addr, err)
		}
		if i > 0 {
			host, port, _ := net.SplitHostPort(addr)
			if err := first.Do(ctx, "CLUSTER", "MEET", host, port, buses[i]).Err(); err != nil {
				t.Fatalf("cluster meet %s: %v", addr, err)
			}
		}
	}
	deadline := time.Now().Add(20 * time.Second)
	for _, addr := range addrs {
		c := redis.NewClient(&redis.Options{Addr: addr})
		for {
			info, err := c.ClusterInfo(ctx).Result()
			if err == nil && strings.Contains(info, "cluster_state:ok") && strings.Contains(info, fmt.Sprintf("cluster_known_nodes:%d", n)) {
				break
			}
			if time.Now().After(deadline) {
				c.Close()
				t.Fatalf("the cluster did not come up on %s: %v\n%s", addr, err, info)
			}
			time.Sleep(50 * time.Millisecond)
		}
		c.Close()
	}
	return addrs
}

// requireReal skips a test that needs redis-server, or fails it when CI
// says redis-server must be there.
func requireReal(t testing.TB, why string) {
	t.Helper()
	if os.Getenv("NIDO_TEST_REQUIRE_REDIS") != "" {
		t.Fatalf("redis-server is not installed and NIDO_TEST_REQUIRE_REDIS is set: %s", why)
	}
	t.Skip(why + ", which is not installed")
}
