package e2e

import (
	"context"
	"fmt"
	"strings"
	"syscall"
	"testing"
	"time"

	"golang.org/x/sync/errgroup"

	"nido/bot/telegramtest"
	"nido/flows"
)

// A broadcast to 2,000 mothers is under way when the nido process is
// killed with SIGKILL; started again, it goes on where it stopped. Every
// mother ends with the message, and none twice but (at most) those whose
// copy was on its way to Telegram at the very moment of the kill.
func TestKillDuringBroadcastResumesWhereItStopped(t *testing.T) {
	const mothers = 2000
	// Seeded a minute ago through Nido's own front door: the organisation,
	// its social worker, 2,000 mothers, and the broadcast she sent.
	p := newProcesses(t)
	bin, tg, seedClock, engine, cat, org := p.bin, p.tg, p.seed, p.engine, p.cat, p.org
	ctx := context.Background()
	staff := person(2001, "Anna", "it")
	users := make([]telegramtest.User, mothers)
	for i := range users {
		users[i] = person(int64(100_000+i), fmt.Sprintf("M%d", i), "it")
	}
	tg.Meet(append(users, staff)...)
	var seeding errgroup.Group
	seeding.SetLimit(8)
	for _, u := range append(users, staff) {
		seeding.Go(func() error {
			role := flows.RoleMother
			if u == staff {
				role = flows.RoleStaff
			}
			return engine.People().Save(ctx, flows.Person{ID: u.ID, Role: role, OrgID: org.ID, Lang: "it",
				Name: u.FirstName, Consent: seedClock.Now(), Joined: seedClock.Now()})
		})
	}
	if err := seeding.Wait(); err != nil {
		t.Fatal(err)
	}
	do := func(in flows.Input) {
		in.ChatID, in.UserID = staff.ID, staff.ID
		if err := engine.Handle(ctx, in); err != nil {
			t.Fatal(err)
		}
	}
	for _, in := range []flows.Input{{Text: "/broadcast"}, {Callback: "bw:m"}, {Text: "Laboratorio CV giovedì"},
		{Callback: "be:n"}, {Callback: "bn:now"}} {
		do(in)
	}
	// Send, on the preview's button: "bx:send:" and the preview's id, then
	// the signature, which only the Telegram layer reads.
	last, _ := tg.Last(staff.ID)
	send := ""
	for _, row := range last.Buttons {
		for _, b := range row {
			if strings.HasPrefix(b.CallbackData, "bx:send:") {
				send = b.CallbackData[:len("bx:send:")+6]
			}
		}
	}
	do(flows.Input{Callback: send})
	seeded := tg.Sent()

	received := func() (chats, total int) {
		for _, u := range users {
			n := 0
			for _, m := range tg.Messages(u.ID) {
				if strings.Contains(m.Plain(), "Laboratorio CV giovedì") {
					n++
				}
			}
			if n > 0 {
				chats++
			}
			total += n
		}
		return chats, total
	}
	env := p.env()
	first := startNido(t, bin, env, nil, nil)
	waitFor(t, 60*time.Second, func() bool { return tg.Sent()-seeded >= mothers/3 })
	if err := first.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	_ = first.Wait()
	chats, total := received()
	t.Logf("killed after %d of %d copies", total, mothers)
	if chats == mothers {
		t.Fatal("every copy was sent before the kill: the test proves nothing")
	}

	second := startNido(t, bin, env, nil, nil)
	// The run in flight at the kill comes back when its lease (one minute) ends.
	waitFor(t, 3*time.Minute, func() bool { c, _ := received(); return c == mothers })
	// The report ends with everyone counted once.
	done, err := cat.Text("it", "broadcast.report_done", map[string]any{"Total": mothers}, mothers)
	if err != nil {
		t.Fatal(err)
	}
	waitFor(t, 30*time.Second, func() bool {
		for _, m := range tg.Messages(staff.ID) {
			if strings.Contains(m.Plain(), plain(done)) {
				return true
			}
		}
		return false
	})
	_ = second.Process.Signal(syscall.SIGTERM)
	_ = second.Wait()

	chats, total = received()
	dups := total - chats
	t.Logf("after the restart: %d mothers reached, %d copies, %d twice", chats, total, dups)
	// Only a copy on its way to Telegram at the kill may go twice: at most
	// one per sender of the broadcast (5 at 1,000 a second).
	if chats != mothers || dups > 5 {
		t.Errorf("%d of %d mothers reached, %d copies sent twice (at most 5 allowed)", chats, mothers, dups)
	}
}
