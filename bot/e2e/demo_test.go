package e2e

import (
	"bufio"
	"encoding/json"
	"io"
	"net/http"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"
)

// `nido demo` prints one line, the address to open; it ignores the real
// Telegram, an outside Redis and the administrators of the environment; and
// Ctrl-C stops it cleanly, with an event stream open.
func TestDemoCommandStartsAndStops(t *testing.T) {
	bin := buildNido(t)
	// Each of these would fail or reach outside if the demo read it.
	env := []string{
		"TELEGRAM_BOT_TOKEN=123:REAL", "TELEGRAM_API_URL=ftp://not-telegram",
		"REDIS_URL=redis://127.0.0.1:1/0", "NIDO_ADMIN_IDS=not-a-number",
	}
	var stdout io.Reader
	cmd := startNido(t, bin, env, []string{"demo", "-listen", "127.0.0.1:0"}, func(c *exec.Cmd) {
		var err error
		if stdout, err = c.StdoutPipe(); err != nil {
			t.Fatal(err)
		}
	})
	lines := bufio.NewScanner(stdout)
	if !lines.Scan() {
		t.Fatal("the demo printed nothing")
	}
	url := lines.Text()
	if !strings.HasPrefix(url, "http://127.0.0.1:") || !strings.HasSuffix(url, "/") {
		t.Fatalf("the demo printed %q, want the address to open", url)
	}
	res, err := http.Get(url + "api/state")
	if err != nil {
		t.Fatal(err)
	}
	var state struct {
		People []struct{ ID int64 } `json:"people"`
	}
	err = json.NewDecoder(res.Body).Decode(&state)
	res.Body.Close()
	if err != nil || len(state.People) == 0 {
		t.Fatalf("the page's state: %v, %+v", err, state)
	}
	page, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	page.Body.Close()
	if page.StatusCode != http.StatusOK {
		t.Fatalf("the page answered %s", page.Status)
	}

	events, err := http.Get(url + "api/events")
	if err != nil {
		t.Fatal(err)
	}
	defer events.Body.Close()
	if err := cmd.Process.Signal(syscall.SIGINT); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("the demo stopped with %v", err)
		}
	case <-time.After(15 * time.Second):
		t.Fatal("the demo did not stop within 15s")
	}
	if lines.Scan() {
		t.Errorf("a second line on stdout: %q", lines.Text())
	}
}
