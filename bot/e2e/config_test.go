package e2e

import (
	"bytes"
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// nidoBinary builds the nido command once per test run and returns its path.
var nidoBinary = sync.OnceValues(func() (string, error) {
	dir, err := os.MkdirTemp("", "nido-e2e-")
	if err != nil {
		return "", err
	}
	bin := filepath.Join(dir, "nido")
	cmd := exec.Command("go", "build", "-o", bin, ".")
	cmd.Dir = filepath.Join("..", "..")
	if out, err := cmd.CombinedOutput(); err != nil {
		return "", errors.New("go build: " + err.Error() + "\n" + string(out))
	}
	return bin, nil
})

func buildNido(t *testing.T) string {
	t.Helper()
	if testing.Short() {
		t.Skip("builds the nido command")
	}
	bin, err := nidoBinary()
	if err != nil {
		t.Fatal(err)
	}
	return bin
}

// runNido runs the command with only env as its environment and returns its
// exit code and what it wrote to stderr.
func runNido(t *testing.T, bin string, env ...string) (int, string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin)
	cmd.Env = append([]string{"PATH=" + os.Getenv("PATH"), "HOME=" + t.TempDir()}, env...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	err := cmd.Run()
	var exit *exec.ExitError
	if errors.As(err, &exit) {
		return exit.ExitCode(), stderr.String()
	}
	if err != nil {
		t.Fatal(err)
	}
	return 0, stderr.String()
}

func TestWrongConfigurationStopsWithOneClearLine(t *testing.T) {
	bin := buildNido(t)
	token := "TELEGRAM_BOT_TOKEN=123:ABC"
	for _, tc := range []struct {
		env  string
		name string
	}{
		{"NIDO_TIMEZONE=Mars/Olympus", "NIDO_TIMEZONE"},
		{"NIDO_DEFAULT_LANGUAGE=de", "NIDO_DEFAULT_LANGUAGE"},
		{"NIDO_ADMIN_IDS=12,abc", "NIDO_ADMIN_IDS"},
		{"NIDO_SEND_RATE=0", "NIDO_SEND_RATE"},
		{"NIDO_SEND_RATE=fast", "NIDO_SEND_RATE"},
		{"NIDO_QUIET_HOURS=21-8", "NIDO_QUIET_HOURS"},
		{"NIDO_REMINDER_OFFSETS=24h,-2h", "NIDO_REMINDER_OFFSETS"},
		{"NIDO_WEBHOOK_URL=https://example.org/hook", "NIDO_WEBHOOK_URL"},
		{"REDIS_URL=mysql://localhost", "REDIS_URL"},
		{"TELEGRAM_API_URL=not a url", "TELEGRAM_API_URL"},
		{"NIDO_LISTEN=8080", "NIDO_LISTEN"},
		{"NIDO_REDIS_PREFIX=a b", "NIDO_REDIS_PREFIX"},
		// A Cluster needs every key of Nido in one slot: the default prefix has no hash tag.
		{"REDIS_URL=redis://127.0.0.1:7000?addr=127.0.0.1:7001", "NIDO_REDIS_PREFIX"},
	} {
		t.Run(tc.env, func(t *testing.T) {
			code, stderr := runNido(t, bin, token, tc.env)
			lines := strings.Split(strings.TrimSpace(stderr), "\n")
			if code != 2 || len(lines) != 1 || !strings.Contains(lines[0], tc.name) {
				t.Errorf("exit %d, stderr %q: want exit 2 and one line naming %s", code, stderr, tc.name)
			}
		})
	}
}

func TestNoTokenSaysHowToGetOneAndHowToTryWithout(t *testing.T) {
	code, stderr := runNido(t, buildNido(t))
	if code != 2 || !strings.Contains(stderr, "@BotFather") || !strings.Contains(stderr, "go run . demo") {
		t.Errorf("exit %d, stderr %q", code, stderr)
	}
}
