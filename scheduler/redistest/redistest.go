// Package redistest starts a real redis-server for a test, on a free port in a
// temporary directory, so that tests exercise the same Redis that production
// runs (Lua, AOF, restarts). When redis-server is not installed it falls back
// to the embedded miniredis, unless NIDO_TEST_REQUIRE_REDIS is set, which CI
// sets so that a missing server fails loudly instead of silently testing less.
package redistest

import (
	"context"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/alicebob/miniredis/v2"
	"github.com/redis/go-redis/v9"
)

// Options tune the server a test gets.
type Options struct {
	// AOF turns on the append-only file with fsync on every write, for tests
	// that restart Redis and expect nothing to be lost.
	AOF bool
	// args are more redis-server arguments, such as a cluster node's.
	args []string
}

// Server is one Redis for one test.
type Server struct {
	// Addr is host:port of the server.
	Addr string
	// Real is false when the test runs on the embedded fallback.
	Real bool

	t    testing.TB
	opts Options
	dir  string
	// sentinelConf is the configuration file of a sentinel; empty for a
	// data node.
	sentinelConf string
	cmd          *exec.Cmd
	mini         *miniredis.Miniredis
}

// Start gives the test its own Redis and stops it when the test ends.
// With REDIS_URL set, that server is used instead (flushed first), and
// Restart is not available.
func Start(t testing.TB, opts ...Options) *Server {
	t.Helper()
	var o Options
	if len(opts) > 0 {
		o = opts[0]
	}
	s := &Server{t: t, opts: o}
	if url := os.Getenv("REDIS_URL"); url != "" {
		ro, err := redis.ParseURL(url)
		if err != nil {
			t.Fatalf("REDIS_URL: %v", err)
		}
		s.Addr = ro.Addr
		s.Real = true
		c := s.Client()
		if err := c.FlushDB(context.Background()).Err(); err != nil {
			t.Fatalf("flush REDIS_URL: %v", err)
		}
		return s
	}
	if _, err := exec.LookPath("redis-server"); err != nil {
		if os.Getenv("NIDO_TEST_REQUIRE_REDIS") != "" {
			t.Fatalf("redis-server is not installed and NIDO_TEST_REQUIRE_REDIS is set")
		}
		s.mini = miniredis.RunT(t)
		s.Addr = s.mini.Addr()
		return s
	}
	s.Real = true
	s.dir = t.TempDir()
	s.Addr = "127.0.0.1:" + strconv.Itoa(freePort(t))
	s.start()
	t.Cleanup(s.stop)
	return s
}

// Client returns a new client for the server, closed when the test ends.
func (s *Server) Client() redis.UniversalClient {
	c := redis.NewClient(&redis.Options{Addr: s.Addr})
	s.t.Cleanup(func() { c.Close() })
	return c
}

// URL is the server as a REDIS_URL value.
func (s *Server) URL() string { return "redis://" + s.Addr + "/0" }

// Restart stops the server (SIGKILL, like a crash) and starts it again on the
// same port and directory. With AOF on, every acknowledged write survives.
func (s *Server) Restart() {
	s.t.Helper()
	s.Kill()
	s.Resume()
}

// Kill stops the server abruptly; Resume starts it again.
func (s *Server) Kill() {
	s.t.Helper()
	if s.cmd == nil {
		s.t.Skip("this Redis cannot be restarted (REDIS_URL or embedded)")
	}
	_ = s.cmd.Process.Kill()
	_ = s.cmd.Wait()
	s.cmd = nil
}

// Resume starts a killed server again.
func (s *Server) Resume() {
	s.t.Helper()
	if s.dir == "" {
		s.t.Skip("this Redis cannot be restarted (REDIS_URL or embedded)")
	}
	s.start()
}

func (s *Server) start() {
	t := s.t
	t.Helper()
	host, port, _ := net.SplitHostPort(s.Addr)
	args := []string{
		"--port", port, "--bind", host, "--dir", s.dir,
		"--save", "", "--daemonize", "no", "--logfile", filepath.Join(s.dir, "redis.log"),
	}
	if s.opts.AOF {
		args = append(args, "--appendonly", "yes", "--appendfsync", "always")
	} else {
		args = append(args, "--appendonly", "no")
	}
	args = append(args, s.opts.args...)
	if s.sentinelConf != "" {
		// Sentinel mode of the redis-server binary, which Debian's
		// redis-server package ships without its redis-sentinel link.
		args = []string{s.sentinelConf, "--sentinel", "--logfile", filepath.Join(s.dir, "redis.log")}
	}
	cmd := exec.Command("redis-server", args...)
	if err := cmd.Start(); err != nil {
		t.Fatalf("start redis-server: %v", err)
	}
	s.cmd = cmd
	c := redis.NewClient(&redis.Options{Addr: s.Addr, MaxRetries: -1})
	defer c.Close()
	deadline := time.Now().Add(10 * time.Second)
	for {
		err := c.Ping(context.Background()).Err()
		if err == nil {
			return
		}
		if time.Now().After(deadline) {
			log, _ := os.ReadFile(filepath.Join(s.dir, "redis.log"))
			t.Fatalf("redis-server did not start on %s: %v\n%s", s.Addr, err, log)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func (s *Server) stop() {
	if s.cmd != nil {
		_ = s.cmd.Process.Kill()
		_ = s.cmd.Wait()
	}
}

func freePort(t testing.TB) int {
	t.Helper()
	return freePortOn(t, "127.0.0.1")
}

// freePortOn is a port nothing listens on at ip.
func freePortOn(t testing.TB, ip string) int {
	t.Helper()
	l, err := net.Listen("tcp", net.JoinHostPort(ip, "0"))
	if err != nil {
		t.Fatalf("free port: %v", err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// SkipIfEmbedded skips a test that needs what only a real server does, such
// as keys that expire while the test waits.
func (s *Server) SkipIfEmbedded(why string) {
	s.t.Helper()
	if s.mini != nil {
		s.t.Skip("needs a real redis-server: " + why)
	}
}
