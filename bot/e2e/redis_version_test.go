package e2e

import (
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
