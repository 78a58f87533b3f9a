package e2e

import (
	"strings"
	"testing"
)

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
		{"NIDO_VISIT_CONFIRM_BEFORE=tomorrow", "NIDO_VISIT_CONFIRM_BEFORE"},
		{"NIDO_VISIT_ALERT_BEFORE=30h", "NIDO_VISIT_ALERT_BEFORE"},
		{"NIDO_CHECKIN_AFTER=0s", "NIDO_CHECKIN_AFTER"},
		{"NIDO_INTERVIEW_TIPS=72h,2h,72h", "NIDO_INTERVIEW_TIPS"},
		{"NIDO_INTERVIEW_FOLLOWUP=soon", "NIDO_INTERVIEW_FOLLOWUP"},
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
