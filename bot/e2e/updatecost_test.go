package e2e

import (
	"bufio"
	"context"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
	"golang.org/x/sync/errgroup"

	"nido/bot/telegramtest"
	"nido/flows"
	"nido/flows/appointment"
	"nido/scheduler/clock"
	"nido/scheduler/redistest"
)

// TestUpdateCost measures what one update costs Nido, whole: the nido
// command on a real redis-server, the fake Telegram over HTTP, long
// polling. Three kinds of update, n of each: a stranger's /start, a
// mother's press of "yes" on her reminder, and a typed answer in a
// conversation (the day of a new appointment). The floor is a bare
// go-telegram/bot bot measured in the same run on the same fake on the same
// three kinds: it answers a message with one message, and a press with the
// answer Telegram asks for and one message (Nido also takes the buttons off
// the pressed message: a press costs it a third call).
//
// Each kind is offered twice: all n at once (a backlog, or a crowd), and
// then at a steady rate both bots keep up with (Nido paces its messages at
// NIDO_SEND_RATE, 1,000 a second here, the most it allows, and a press
// sends two): the echo bot takes a backlog several times as fast, and a
// process that waits between messages spends CPU going to sleep and waking
// that one that does not wait never does. So the echo bot is measured on
// the backlog a second time keeping the same 1,000 a second, with the rate
// limiter a bare bot would use. Reported: CPU per update of the process,
// updates handled per second, and for Nido the Redis round trips and
// commands per update (its client's count; and Redis's own INFO
// commandstats, which counts the commands scripts run inside Redis too).
//
//	NIDO_LOAD=1 go test -run TestUpdateCost -v ./bot/e2e/
func TestUpdateCost(t *testing.T) {
	if os.Getenv("NIDO_LOAD") == "" {
		t.Skip("a load test of about a minute: set NIDO_LOAD=1 to run it")
	}
	n := 2000
	if v, err := strconv.Atoi(os.Getenv("NIDO_LOAD_UPDATES")); err == nil && v > 0 {
		n = v
	}
	echo := benchEcho(t, n, "")
	// Offered all at once, Nido keeps to its send rate and the echo bot
	// does not; so the echo bot is measured a second time keeping the same
	// rate, as a bot must.
	paced := benchEcho(t, n, sendRate)
	nido := benchNido(t, n)
	// Each kind under each load is measured on the three bots one right
	// after the other, so that what else the machine does at that moment
	// weighs on the three alike.
	type costs struct{ echo, paced, nido cost }
	got := map[string]costs{}
	for l, load := range loads {
		for _, kind := range kinds {
			c := costs{echo: echo(l, kind)}
			if load.steady == nil {
				c.paced = paced(l, kind)
			}
			c.nido = nido(l, kind)
			got[load.name+kind] = c
		}
	}
	t.Logf("%d updates of each kind; ratios against the echo bot of this run: its update of the same kind, and its /start", n)
	for _, load := range loads {
		t.Logf("%s:", load.name)
		t.Logf("%-12s %12s %8s %8s %8s %8s %10s %10s", "", "CPU/update", "×floor", "×/start", "upd/s", "trips", "commands", "in Redis")
		for _, kind := range kinds {
			e, c := got[load.name+kind].echo, got[load.name+kind].nido
			t.Logf("%-12s %10.3fms %8s %8s %8.0f %8s %10s %10s", "echo "+kind, ms(e.cpu), "1.00", "", e.rate, "-", "-", "-")
			t.Logf("%-12s %10.3fms %8.2f %8.2f %8.0f %8.1f %10.1f %10.1f", "nido "+kind, ms(c.cpu),
				float64(c.cpu)/float64(e.cpu), float64(c.cpu)/float64(got[load.name+"/start"].echo.cpu), c.rate, c.trips, c.cmds, c.server)
		}
	}
	t.Logf("all at once, against the echo bot keeping %s messages a second:", sendRate)
	t.Logf("%-12s %12s %8s %8s %8s", "", "CPU/update", "×floor", "×/start", "upd/s")
	for _, kind := range kinds {
		e, c := got[loads[0].name+kind].paced, got[loads[0].name+kind].nido
		t.Logf("%-12s %10.3fms %8s %8s %8.0f", "echo "+kind, ms(e.cpu), "1.00", "", e.rate)
		t.Logf("%-12s %10.3fms %8.2f %8.2f %8.0f", "nido "+kind, ms(c.cpu),
			float64(c.cpu)/float64(e.cpu), float64(c.cpu)/float64(got[loads[0].name+"/start"].paced.cpu), c.rate)
	}
}

// kinds are the kinds of update measured, in the order they are offered:
// the echo bot's presses are on the messages it answered the /start with.
var kinds = []string{"/start", "press", "typed"}

// bench measures one kind of update under loads[l] on one bot.
type bench func(l int, kind string) cost

// sendRate is NIDO_SEND_RATE in the measure: the most Nido allows.
const sendRate = "1000"

// loads are the ways updates are offered: all at once, then at a steady
// rate of so many a second for each kind.
var loads = []load{
	{"all at once", nil},
	{"steady", map[string]float64{"/start": 800, "press": 400, "typed": 800}},
}

type load struct {
	name   string
	steady map[string]float64
}

// offer calls one for 0…n-1, at rate a second, or at once when rate is 0.
func offer(n int, rate float64, one func(i int)) {
	start := time.Now()
	for i := range n {
		if rate > 0 {
			time.Sleep(time.Until(start.Add(time.Duration(float64(i) / rate * float64(time.Second)))))
		}
		one(i)
	}
}

// cost is what n updates of one kind took, per update.
type cost struct {
	cpu                 time.Duration
	rate                float64
	trips, cmds, server float64
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

// benchEcho runs the echo bot (testdata/echobot), keeping rate messages a
// second unless rate is empty, to measure it on the three kinds of update:
// /start, a press of a button on the message it answered (it answers the
// press and sends one message, what a bot must do at least), a typed
// message; n of each, each from a different person.
func benchEcho(t *testing.T, n int, rate string) bench {
	tg := telegramtest.NewTestServer(t, telegramtest.Unlimited())
	bin := filepath.Join(t.TempDir(), "echobot")
	if out, err := exec.Command("go", "build", "-o", bin, "./testdata/echobot").CombinedOutput(); err != nil {
		t.Fatalf("build the echo bot: %v\n%s", err, out)
	}
	cmd := startNido(t, bin, []string{"TELEGRAM_BOT_TOKEN=123:TEST", "TELEGRAM_API_URL=" + tg.URL, "ECHO_SEND_RATE=" + rate}, nil, nil)
	users := strangers(tg, 500_000, n)
	// One round first, so that connections are open and code paged in.
	warm := strangers(tg, 400_000, 1)[0]
	tg.SendText(warm, "/start")
	waitFor(t, 10*time.Second, func() bool { return tg.Sent() == 1 })
	said := 1
	day := time.Now().AddDate(0, 0, 7).Format("02/01/2006")
	one := map[string]func(u telegramtest.User){
		"/start": func(u telegramtest.User) { tg.SendText(u, "/start") },
		"press": func(u telegramtest.User) {
			m, _ := tg.Last(u.ID)
			tg.PressData(u, m.ID, "ap:yes:1:1")
		},
		"typed": func(u telegramtest.User) { tg.SendText(u, day) },
	}
	// calls is what the echo bot says to one update of each kind.
	calls := map[string]int{"/start": 1, "press": 2, "typed": 1}
	return func(l int, kind string) cost {
		want := said + n*calls[kind]
		c := measure(t, cmd.Process.Pid, n, "", nil, func() {
			offer(n, loads[l].steady[kind], func(i int) { one[kind](users[i]) })
		}, func() bool { return tg.Sent()+tg.Calls("answerCallbackQuery") >= want })
		said = want
		return c
	}
}

// benchNido seeds an organisation, mothers whose reminders are due and
// mothers in the middle of a new appointment, starts nido and lets it send
// the reminders, to measure each kind of update under each load, each
// update from a different person.
func benchNido(t *testing.T, n int) bench {
	ctx := context.Background()
	bin := buildNido(t)
	rs := redistest.Start(t)
	rs.SkipIfEmbedded("measures a real redis-server")
	rdb := rs.Client()
	tg := telegramtest.NewTestServer(t, telegramtest.Unlimited())
	reminded := dueReminders(t, rdb, tg, n*len(loads))
	// Mothers of another organisation, each asked the day of a new
	// appointment, in the middle of its conversation.
	loc, _ := time.LoadLocation("Europe/Rome")
	seedClock := clock.NewManual(time.Now().In(loc).Add(-10 * time.Minute))
	engine, _ := seedEngine(t, rdb, tg, seedClock, loc, appointment.New([]time.Duration{2 * time.Hour}))
	org, err := engine.People().CreateOrg(ctx, "Casa Betania", seedClock.Now())
	if err != nil {
		t.Fatal(err)
	}
	typing := strangers(tg, 700_000, n*len(loads))
	var seeding errgroup.Group
	seeding.SetLimit(8)
	for _, u := range typing {
		seeding.Go(func() error {
			p := flows.Person{ID: u.ID, Role: flows.RoleMother, OrgID: org.ID, Lang: "it", Name: u.FirstName,
				Consent: seedClock.Now(), Joined: seedClock.Now()}
			if err := engine.People().Save(ctx, p); err != nil {
				return err
			}
			for _, in := range []flows.Input{{Text: "/appointment"}, {Callback: "apk:paediatrician"}} {
				in.ChatID, in.UserID = u.ID, u.ID
				if err := engine.Handle(ctx, in); err != nil {
					return err
				}
			}
			return nil
		})
	}
	if err := seeding.Wait(); err != nil {
		t.Fatal(err)
	}
	starting := strangers(tg, 900_000, n*len(loads))

	listen := freeAddr(t)
	metrics := "http://" + listen + "/metrics"
	env := []string{
		"TELEGRAM_BOT_TOKEN=123:TEST", "TELEGRAM_API_URL=" + tg.URL, "REDIS_URL=" + rs.URL(),
		"NIDO_SEND_RATE=" + sendRate, "NIDO_QUIET_HOURS=off", "NIDO_LISTEN=" + listen, "NIDO_REMINDER_OFFSETS=2h",
	}
	cmd := startNido(t, bin, env, nil, nil)
	pid := cmd.Process.Pid
	title := w0text(t, "appointment.reminder_title")
	waitFor(t, 3*time.Minute, func() bool {
		for _, u := range reminded {
			if !strings.Contains(lastText(tg, u), title) {
				return false
			}
		}
		return true
	})
	handled := func() float64 { return scrape(t, metrics)["nido_bot_handler_seconds_count"] }
	// One round first, as for the echo bot.
	warm := strangers(tg, 800_000, 1)[0]
	tg.SendText(warm, "/start")
	waitFor(t, 10*time.Second, func() bool { return handled() >= 1 })

	yes := w0text(t, "appointment.yes")
	day := time.Now().In(loc).AddDate(0, 0, 7).Format("02/01/2006")
	// Nido's count of handled updates is read only once the fake Telegram
	// has heard nothing new for a moment: serving /metrics costs Nido CPU,
	// which is what is measured.
	calls := func() int {
		return tg.Sent() + tg.Calls("editMessageText") + tg.Calls("editMessageReplyMarkup") + tg.Calls("answerCallbackQuery")
	}
	one := map[string]func(l, i int){
		"/start": func(l, i int) { tg.SendText(starting[l*n+i], "/start") },
		"press": func(l, i int) {
			if _, err := tg.Press(reminded[l*n+i], yes); err != nil {
				t.Error(err)
			}
		},
		"typed": func(l, i int) { tg.SendText(typing[l*n+i], day) },
	}
	return func(l int, kind string) cost {
		base, last := handled(), -1
		return measure(t, pid, n, metrics, rdb, func() {
			offer(n, loads[l].steady[kind], func(i int) { one[kind](l, i) })
		}, func() bool {
			if now := calls(); now != last {
				last = now
				return false
			}
			return handled() >= base+float64(n)
		})
	}
}

// measure runs send, waits until done, and returns the cost per update of
// the process pid: its CPU time, its pace, and when metrics is given its
// Redis round trips and commands, and those rdb ran.
func measure(t *testing.T, pid, n int, metrics string, rdb redis.UniversalClient, send func(), done func() bool) cost {
	t.Helper()
	var before map[string]float64
	var stats0 float64
	if metrics != "" {
		before, stats0 = scrape(t, metrics), commandCalls(t, rdb)
	}
	cpu0 := processCPU(t, pid)
	began := time.Now()
	send()
	waitFor(t, 3*time.Minute, done)
	took := time.Since(began)
	// What follows the last answer (acknowledging, releasing) is part of it.
	time.Sleep(200 * time.Millisecond)
	cpu := processCPU(t, pid) - cpu0
	c := cost{cpu: cpu / time.Duration(n), rate: float64(n) / took.Seconds()}
	if metrics != "" {
		after := scrape(t, metrics)
		per := func(name string) float64 { return (after[name] - before[name]) / float64(n) }
		c.trips, c.cmds = per("nido_redis_round_trips_total"), per("nido_redis_commands_total")
		c.server = (commandCalls(t, rdb) - stats0) / float64(n)
	}
	return c
}

// strangers are n people Telegram knows, from id first on.
func strangers(tg *telegramtest.Server, first int64, n int) []telegramtest.User {
	users := make([]telegramtest.User, n)
	for i := range users {
		users[i] = person(first+int64(i), fmt.Sprintf("P%d", i), "it")
	}
	tg.Meet(users...)
	return users
}

func lastText(tg *telegramtest.Server, u telegramtest.User) string {
	m, _ := tg.Last(u.ID)
	return m.Plain()
}

// processCPU is the user and system CPU time process pid used so far.
func processCPU(t *testing.T, pid int) time.Duration {
	t.Helper()
	raw, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		t.Fatal(err)
	}
	// The fields after the command's name, which is in parentheses.
	f := strings.Fields(string(raw[strings.LastIndexByte(string(raw), ')')+2:]))
	utime, _ := strconv.ParseInt(f[11], 10, 64)
	stime, _ := strconv.ParseInt(f[12], 10, 64)
	// /proc counts in USER_HZ, 100 a second on Linux.
	return time.Duration(utime+stime) * 10 * time.Millisecond
}

// scrape reads the counters of a Prometheus text page.
func scrape(t *testing.T, url string) map[string]float64 {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	out := map[string]float64{}
	sc := bufio.NewScanner(resp.Body)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		line := sc.Text()
		if strings.HasPrefix(line, "#") {
			continue
		}
		name, value, ok := strings.Cut(line, " ")
		if !ok {
			continue
		}
		if v, err := strconv.ParseFloat(value, 64); err == nil {
			out[name] = v
		}
	}
	return out
}

// commandCalls is every command Redis ran so far, scripts' included, by
// INFO commandstats.
func commandCalls(t *testing.T, rdb redis.UniversalClient) float64 {
	t.Helper()
	info, err := rdb.Info(context.Background(), "commandstats").Result()
	if err != nil {
		t.Fatal(err)
	}
	total := 0.0
	for _, line := range strings.Split(info, "\n") {
		_, stats, ok := strings.Cut(strings.TrimSpace(line), ":calls=")
		if !ok {
			continue
		}
		calls, _, _ := strings.Cut(stats, ",")
		v, _ := strconv.ParseFloat(calls, 64)
		total += v
	}
	return total
}

// freeAddr is a local address nothing listens on.
func freeAddr(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}
