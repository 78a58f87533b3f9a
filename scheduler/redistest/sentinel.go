package redistest

import (
	"context"
	"fmt"
	"math/rand/v2"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
)

// MasterName is the name the sentinels of StartSentinel know the master by.
const MasterName = "nido"

// The sentinels give up on a master that has not answered for a second, and
// a failover that has not ended within five seconds is tried again, so that
// a test sees the replica promoted a few seconds after the master dies.
const (
	downAfter       = 1000 // milliseconds
	failoverTimeout = 5000 // milliseconds
)

// Sentinel is a master, its replica and three sentinels watching them, as a
// small production deployment runs Redis behind Sentinel.
type Sentinel struct {
	// Addrs are the sentinels' host:port.
	Addrs []string

	t         testing.TB
	ip        string
	master    *Server
	replica   *Server
	sentinels []*Server
}

// StartSentinel starts a master, a replica of it and three sentinels (each a
// redis-server, the sentinels with --sentinel), all on free ports, waits
// until the replica has caught up and the sentinels know each other and the
// replica, and stops them all when the test ends. The embedded Redis has no
// replication: without redis-server the test is skipped, or fails when
// NIDO_TEST_REQUIRE_REDIS is set.
func StartSentinel(t testing.TB) *Sentinel {
	t.Helper()
	if _, err := exec.LookPath("redis-server"); err != nil {
		requireReal(t, "Redis Sentinel needs redis-server")
	}
	// Each set lives on an address of its own in 127/8: the sentinels of
	// a set that ended its test, or failed its master over, remember the
	// ports of its nodes, and would take a new set's node that got one of
	// those ports on the same address for theirs.
	s := &Sentinel{t: t, ip: fmt.Sprintf("127.%d.%d.%d", 1+rand.IntN(254), rand.IntN(256), 1+rand.IntN(254))}
	s.master, s.replica = s.node(), s.node()
	// The master waits five seconds by default before it streams its data
	// to a replica, in case more replicas come.
	s.master.opts.args = []string{"--repl-diskless-sync-delay", "0"}
	s.master.start()
	_, masterPort, _ := net.SplitHostPort(s.master.Addr)
	// Its connection to the master comes from 127.0.0.1: it says where it
	// listens, or the master would name it there.
	s.replica.opts.args = []string{"--replicaof", s.ip, masterPort, "--replica-announce-ip", s.ip}
	s.replica.start()

	// Each sentinel is told its own id, the replica and the other sentinels,
	// instead of discovering them over the master's hello channel, which
	// takes seconds.
	ports := []int{freePortOn(t, s.ip), freePortOn(t, s.ip), freePortOn(t, s.ip)}
	_, replicaPort, _ := net.SplitHostPort(s.replica.Addr)
	for i, port := range ports {
		conf := []string{
			"port " + strconv.Itoa(port), "bind " + s.ip, "daemonize no", "sentinel announce-ip " + s.ip,
			"sentinel myid " + sentinelID(i),
			fmt.Sprintf("sentinel monitor %s %s %s 2", MasterName, s.ip, masterPort),
			fmt.Sprintf("sentinel down-after-milliseconds %s %d", MasterName, downAfter),
			fmt.Sprintf("sentinel failover-timeout %s %d", MasterName, failoverTimeout),
			fmt.Sprintf("sentinel known-replica %s %s %s", MasterName, s.ip, replicaPort),
		}
		for j, other := range ports {
			if j != i {
				conf = append(conf, fmt.Sprintf("sentinel known-sentinel %s %s %d %s", MasterName, s.ip, other, sentinelID(j)))
			}
		}
		n := &Server{t: t, Real: true, dir: t.TempDir(), Addr: net.JoinHostPort(s.ip, strconv.Itoa(port))}
		// A sentinel rewrites its configuration file as it learns, so the
		// file is its own, in its own directory.
		file := filepath.Join(n.dir, "sentinel.conf")
		if err := os.WriteFile(file, []byte(strings.Join(conf, "\n")+"\n"), 0o600); err != nil {
			t.Fatalf("sentinel configuration: %v", err)
		}
		n.sentinelConf = file
		n.start()
		t.Cleanup(n.stop)
		s.sentinels = append(s.sentinels, n)
		s.Addrs = append(s.Addrs, n.Addr)
	}
	s.waitReady()
	return s
}

// node is a data node of the set, stopped when the test ends; the caller
// starts it.
func (s *Sentinel) node() *Server {
	n := &Server{t: s.t, Real: true, dir: s.t.TempDir(), Addr: net.JoinHostPort(s.ip, strconv.Itoa(freePortOn(s.t, s.ip)))}
	s.t.Cleanup(n.stop)
	return n
}

// sentinelID is the run id of sentinel i: 40 hexadecimal digits.
func sentinelID(i int) string { return fmt.Sprintf("%040x", i+1) }

// URL is REDIS_URL for Nido behind these sentinels.
func (s *Sentinel) URL() string {
	u := "redis://" + s.Addrs[0] + "/0?master_name=" + MasterName
	for _, a := range s.Addrs[1:] {
		u += "&addr=" + a
	}
	return u
}

// Master is the address of the master now.
func (s *Sentinel) Master() string { return s.master.Addr }

// Client returns a client that follows the master through failovers, as
// Nido's does, closed when the test ends.
func (s *Sentinel) Client() redis.UniversalClient {
	c := redis.NewFailoverClient(&redis.FailoverOptions{MasterName: MasterName, SentinelAddrs: s.Addrs})
	s.t.Cleanup(func() { c.Close() })
	return c
}

// Failover kills the master with SIGKILL, as a crash of its machine would,
// and returns once the sentinels have promoted the replica and all three
// name it as the master. The dead master is not started again, so the new
// master has no replica. It returns how long the failover took.
func (s *Sentinel) Failover() time.Duration {
	s.t.Helper()
	start := time.Now()
	s.master.Kill()
	s.master, s.replica = s.replica, nil
	s.waitMaster(s.master.Addr, 30*time.Second)
	return time.Since(start)
}

// CutReplica makes the replica fall behind: it stops the replica (SIGSTOP)
// and has the master drop its link to it, so that what the master takes
// from now on reaches no replica, until the replica goes on after d and
// catches up. A failover within d loses those writes: the window that
// asynchronous replication leaves (usually a fraction of a millisecond),
// made long enough for a test to land in it. (Stopping the replica alone
// would not do: the kernel still receives what the master streams.)
func (s *Sentinel) CutReplica(d time.Duration) {
	s.t.Helper()
	if s.replica == nil {
		s.t.Fatal("no replica to cut off: the failover took it")
	}
	p := s.replica.cmd.Process
	if err := p.Signal(syscall.SIGSTOP); err != nil {
		s.t.Fatalf("stop the replica: %v", err)
	}
	time.AfterFunc(d, func() { _ = p.Signal(syscall.SIGCONT) })
	master := redis.NewClient(&redis.Options{Addr: s.master.Addr})
	defer master.Close()
	if err := master.ClientKillByFilter(context.Background(), "TYPE", "replica").Err(); err != nil {
		s.t.Fatalf("cut the replica off: %v", err)
	}
}

// waitReady waits until the replica has synchronised with the master and
// every sentinel sees the replica and the two other sentinels.
func (s *Sentinel) waitReady() {
	t := s.t
	t.Helper()
	ctx := context.Background()
	replica := redis.NewClient(&redis.Options{Addr: s.replica.Addr})
	defer replica.Close()
	deadline := time.Now().Add(20 * time.Second)
	for {
		info, err := replica.Info(ctx, "replication").Result()
		if err == nil && strings.Contains(info, "master_link_status:up") {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the replica did not synchronise with the master: %v\n%s", err, info)
		}
		time.Sleep(20 * time.Millisecond)
	}
	for _, n := range s.sentinels {
		c := redis.NewSentinelClient(&redis.Options{Addr: n.Addr})
		for {
			m, err := c.Master(ctx, MasterName).Result()
			if err == nil && m["num-slaves"] == "1" && m["num-other-sentinels"] == "2" && m["flags"] == "master" {
				break
			}
			if time.Now().After(deadline) {
				c.Close()
				t.Fatalf("sentinel %s is not ready: %v %v", n.Addr, err, m)
			}
			time.Sleep(20 * time.Millisecond)
		}
		c.Close()
	}
	s.waitMaster(s.master.Addr, time.Until(deadline))
}

// waitMaster waits until every sentinel names addr as the master and addr
// answers as a master.
func (s *Sentinel) waitMaster(addr string, limit time.Duration) {
	t := s.t
	t.Helper()
	ctx := context.Background()
	deadline := time.Now().Add(limit)
	node := redis.NewClient(&redis.Options{Addr: addr})
	defer node.Close()
	for _, n := range s.sentinels {
		c := redis.NewSentinelClient(&redis.Options{Addr: n.Addr})
		for {
			got, err := c.GetMasterAddrByName(ctx, MasterName).Result()
			if err == nil && len(got) == 2 && net.JoinHostPort(got[0], got[1]) == addr {
				break
			}
			if time.Now().After(deadline) {
				c.Close()
				t.Fatalf("sentinel %s names %v as the master, not %s: %v", n.Addr, got, addr, err)
			}
			time.Sleep(20 * time.Millisecond)
		}
		c.Close()
	}
	for {
		role, err := node.Do(ctx, "ROLE").Slice()
		if err == nil && len(role) > 0 && role[0] == "master" {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s does not answer as the master: %v %v", addr, role, err)
		}
		time.Sleep(20 * time.Millisecond)
	}
}
