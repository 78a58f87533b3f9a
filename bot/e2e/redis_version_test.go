package e2e

import (
	"bufio"
	"fmt"
	"io"
	"net"
	"strconv"
	"strings"
	"testing"
)

// A Redis older than 6.2 lacks what Nido's scripts use: Nido stops at start
// with one line naming REDIS_URL, before it does anything else.
func TestAnOldRedisStopsNidoWithOneClearLine(t *testing.T) {
	addr := oldRedis(t, "6.0.16")
	code, stderr := runNido(t, buildNido(t), "TELEGRAM_BOT_TOKEN=123:ABC", "REDIS_URL=redis://"+addr+"/0")
	lines := strings.Split(strings.TrimSpace(stderr), "\n")
	if code != 2 || len(lines) != 1 || !strings.Contains(lines[0], "REDIS_URL") || !strings.Contains(lines[0], "6.0") {
		t.Errorf("exit %d, stderr %q: want exit 2 and one line naming REDIS_URL and the version", code, stderr)
	}
}

// oldRedis serves just enough of the Redis protocol for a client to connect
// and ask INFO: it says it is version.
func oldRedis(t *testing.T, version string) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			conn, err := ln.Accept()
			if err != nil {
				return
			}
			go serveOldRedis(conn, version)
		}
	}()
	return ln.Addr().String()
}

func serveOldRedis(conn net.Conn, version string) {
	defer conn.Close()
	r := bufio.NewReader(conn)
	for {
		args, err := readCommand(r)
		if err != nil {
			return
		}
		var reply string
		switch strings.ToUpper(args[0]) {
		case "HELLO": // RESP3 came with 6.0 but go-redis falls back on this error
			reply = "-ERR unknown command 'HELLO'\r\n"
		case "INFO":
			body := "# Server\r\nredis_version:" + version + "\r\n"
			reply = fmt.Sprintf("$%d\r\n%s\r\n", len(body), body)
		case "PING":
			reply = "+PONG\r\n"
		default:
			reply = "+OK\r\n"
		}
		if _, err := io.WriteString(conn, reply); err != nil {
			return
		}
	}
}

// readCommand reads one command as a client sends it: an array of bulk strings.
func readCommand(r *bufio.Reader) ([]string, error) {
	line, err := r.ReadString('\n')
	if err != nil {
		return nil, err
	}
	n, err := strconv.Atoi(strings.TrimSpace(strings.TrimPrefix(line, "*")))
	if err != nil || n < 1 {
		return nil, fmt.Errorf("not a command: %q", line)
	}
	args := make([]string, n)
	for i := range args {
		if _, err := r.ReadString('\n'); err != nil { // $<length>
			return nil, err
		}
		arg, err := r.ReadString('\n')
		if err != nil {
			return nil, err
		}
		args[i] = strings.TrimSuffix(arg, "\r\n")
	}
	return args, nil
}
