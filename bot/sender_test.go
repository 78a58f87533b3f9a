package bot

import (
	"errors"
	"strings"
	"testing"
	"time"

	"nido/bot/telegramtest"
	"nido/flows"
)

// A name a person typed shows as typed, never as formatting, in text and
// in data; the locale's own markup stays markup.
func TestSendEscapesWhatPeopleTyped(t *testing.T) {
	e := newEnv(t)
	s := e.bot(e.config()).Sender()
	anna := user(101)
	e.fake.SendText(anna, "hi")
	name := `<b>&"Zoë"</b>`
	_, err := s.Send(t.Context(), flows.Message{ChatID: anna.ID, Lang: "en", Lines: []flows.T{
		{Plain: name},
		{ID: "org.created", Data: map[string]any{"Name": name}},
		{ID: "invite.joined", Data: map[string]any{"Name": name, "Role": flows.T{ID: "role.mother"}}},
	}})
	if err != nil {
		t.Fatal(err)
	}
	m, _ := e.fake.Last(anna.ID)
	want := name + "\nOrganisation " + name + " created.\n" + name + " (mother) has joined Nido."
	if m.Plain() != want {
		t.Errorf("person reads %q, want %q", m.Plain(), want)
	}
	if !strings.Contains(m.Text, "<b>Organisation") && !strings.Contains(m.Text, "Organisation <b>") {
		t.Errorf("the locale's <b> was lost: %q", m.Text)
	}
}

// Dates in data are written the way the person's language writes them, and
// Count picks the plural form.
func TestSendRendersDatesAndPlurals(t *testing.T) {
	e := newEnv(t)
	s := e.bot(e.config()).Sender()
	anna := user(101)
	e.fake.SendText(anna, "hi")
	when := time.Date(2027, 2, 25, 9, 30, 0, 0, time.UTC)
	_, err := s.Send(t.Context(), flows.Message{ChatID: anna.ID, Lang: "it", Lines: []flows.T{
		{ID: "invite.expires", Data: map[string]any{"Expires": when}},
		{ID: "org.list_title", Data: map[string]any{"Count": 3}, Count: 3},
	}})
	if err != nil {
		t.Fatal(err)
	}
	m, _ := e.fake.Last(anna.ID)
	if !strings.Contains(m.Plain(), "25 febbraio 2027") || !strings.Contains(m.Plain(), "09:30") {
		t.Errorf("date not in Italian: %q", m.Plain())
	}
	if !strings.Contains(m.Plain(), "3 organizzazioni") {
		t.Errorf("plural not chosen: %q", m.Plain())
	}
}

// A text over 4096 characters arrives as several messages cut between
// lines; the buttons come with the last one.
func TestSendSplitsLongText(t *testing.T) {
	e := newEnv(t)
	s := e.bot(e.config()).Sender()
	anna := user(101)
	e.fake.SendText(anna, "hi")
	var lines []flows.T
	for range 100 {
		lines = append(lines, flows.T{Plain: strings.Repeat("x", 49)})
	}
	id, err := s.Send(t.Context(), flows.Message{ChatID: anna.ID, Lines: lines,
		Buttons: [][]flows.Button{{{Label: flows.T{Plain: "OK"}, Data: "ok"}}}})
	if err != nil {
		t.Fatal(err)
	}
	msgs := e.fake.Messages(anna.ID)
	if len(msgs) != 2 {
		t.Fatalf("%d messages, want 2", len(msgs))
	}
	if got := len(msgs[0].Plain()) + 1 + len(msgs[1].Plain()); got != 100*50-1 {
		t.Errorf("the parts hold %d characters, want %d", got, 100*50-1)
	}
	if len(msgs[0].Buttons) != 0 || len(msgs[1].Buttons) != 1 || id != msgs[1].ID {
		t.Errorf("buttons on %v/%v, id %d, want them on the last message %d", msgs[0].Labels(), msgs[1].Labels(), id, msgs[1].ID)
	}
}

// A 429 is waited out and the message still goes, once.
func TestSendWaitsOutTooManyRequests(t *testing.T) {
	e := newEnv(t)
	b := e.bot(e.config())
	anna := user(101)
	e.fake.SendText(anna, "hi")
	e.fake.InjectTooManyRequests(1, 1)
	start := time.Now()
	if _, err := b.Sender().Send(t.Context(), text(anna.ID, "en", "bot.error", nil)); err != nil {
		t.Fatal(err)
	}
	if waited := time.Since(start); waited < time.Second {
		t.Errorf("sent after %v, before retry_after (1s)", waited)
	}
	if n := len(e.fake.Messages(anna.ID)); n != 1 {
		t.Errorf("%d messages, want 1", n)
	}
	if w := counter(t, b.m.waits); w != 1 {
		t.Errorf("waits metric = %d, want 1", w)
	}
}

// A person who blocked Nido: the error wraps ErrUnreachable, from which the
// flows learn it.
func TestSendToBlockedChat(t *testing.T) {
	e := newEnv(t)
	s := e.bot(e.config()).Sender()
	anna := user(101)
	e.fake.SendText(anna, "hi")
	e.fake.Block(anna.ID)
	_, err := s.Send(t.Context(), text(anna.ID, "en", "bot.error", nil))
	if !errors.Is(err, flows.ErrUnreachable) {
		t.Fatalf("error %v, want ErrUnreachable", err)
	}
}

// A scheduled job's message retried after a crash is not sent twice.
func TestSendJobOnce(t *testing.T) {
	e := newEnv(t)
	s := e.bot(e.config()).Sender()
	anna := user(101)
	e.fake.SendText(anna, "hi")
	m := text(anna.ID, "en", "bot.error", nil)
	m.JobID = "remind:42:2027-02-25"
	m.Document = &flows.Document{Name: "visita.ics", Content: []byte("BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n"), Caption: flows.T{Plain: "a & b"}}
	first, err := s.Send(t.Context(), m)
	if err != nil {
		t.Fatal(err)
	}
	again, err := s.Send(t.Context(), m)
	if err != nil {
		t.Fatal(err)
	}
	msgs := e.fake.Messages(anna.ID)
	if len(msgs) != 2 || first != again || first != msgs[0].ID {
		t.Fatalf("%d messages, ids %d then %d, want text and document once, id %d", len(msgs), first, again, msgs[0].ID)
	}
	doc := msgs[1].Document
	if doc == nil || doc.FileName != "visita.ics" || !strings.HasPrefix(string(doc.Content), "BEGIN:VCALENDAR") || msgs[1].Plain() != "a & b" {
		t.Errorf("document = %+v, caption %q", doc, msgs[1].Plain())
	}
}

// Forget removes every record of the job messages sent to one chat, and
// the list of them, and leaves other chats' records alone: a job that
// runs again for them still does not send twice.
func TestForgetSentJobsOfOneChat(t *testing.T) {
	e := newEnv(t, telegramtest.Unlimited())
	s := e.bot(unpaced(e.config())).Sender()
	ctx := t.Context()
	anna, bea := user(101), user(102)
	jobs := map[int64][]string{
		anna.ID: {"meet:1:planned/101", "remind:42:2027-02-25"},
		bea.ID:  {"meet:1:planned/102", "meet:1:remind-24h/102"},
	}
	for _, u := range []telegramtest.User{anna, bea} {
		e.fake.SendText(u, "hi")
		for _, id := range jobs[u.ID] {
			m := text(u.ID, "en", "bot.error", nil)
			m.JobID = id
			if _, err := s.Send(ctx, m); err != nil {
				t.Fatal(err)
			}
		}
	}
	exists := func(k string) bool {
		t.Helper()
		n, err := e.rdb.Exists(ctx, k).Result()
		if err != nil {
			t.Fatal(err)
		}
		return n == 1
	}
	for _, u := range []telegramtest.User{anna, bea} {
		for _, id := range jobs[u.ID] {
			if !exists(testKeys.sentJob(id)) {
				t.Fatalf("job %s not recorded", id)
			}
		}
		if ttl := e.rdb.TTL(ctx, testKeys.sentJobsOf(u.ID)).Val(); ttl < sentJobTTL-time.Minute {
			t.Errorf("chat %d's list expires in %v, want %v like its records", u.ID, ttl, sentJobTTL)
		}
	}

	if err := s.Forget(ctx, anna.ID); err != nil {
		t.Fatal(err)
	}
	for _, id := range jobs[anna.ID] {
		if exists(testKeys.sentJob(id)) {
			t.Errorf("job %s still recorded after Forget", id)
		}
	}
	if exists(testKeys.sentJobsOf(anna.ID)) {
		t.Error("the forgotten chat's list of sent jobs is still there")
	}
	for _, id := range jobs[bea.ID] {
		if !exists(testKeys.sentJob(id)) {
			t.Errorf("job %s of the other chat was forgotten too", id)
		}
	}
	if got := e.rdb.SCard(ctx, testKeys.sentJobsOf(bea.ID)).Val(); got != int64(len(jobs[bea.ID])) {
		t.Errorf("other chat lists %d sent jobs, want %d", got, len(jobs[bea.ID]))
	}
	before := len(e.fake.Messages(bea.ID))
	m := text(bea.ID, "en", "bot.error", nil)
	m.JobID = jobs[bea.ID][0]
	if _, err := s.Send(ctx, m); err != nil {
		t.Fatal(err)
	}
	if n := len(e.fake.Messages(bea.ID)); n != before {
		t.Errorf("the other chat's job was sent again after Forget: %d messages, want %d", n, before)
	}
	// Nothing left to forget is not an error.
	if err := s.Forget(ctx, anna.ID); err != nil {
		t.Errorf("second Forget: %v", err)
	}
}

// Editing replaces text and buttons; the same edit twice is fine; an edit
// of a message that is gone says it anew.
func TestSendEdits(t *testing.T) {
	e := newEnv(t, telegramtest.Unlimited())
	s := e.bot(unpaced(e.config())).Sender()
	anna := user(101)
	e.fake.SendText(anna, "hi")
	id, err := s.Send(t.Context(), flows.Message{ChatID: anna.ID, Lines: []flows.T{{Plain: "menu"}},
		Buttons: [][]flows.Button{{{Label: flows.T{Plain: "A"}, Data: "a"}}}})
	if err != nil {
		t.Fatal(err)
	}
	edit := flows.Message{ChatID: anna.ID, EditID: id, Lines: []flows.T{{Plain: "chosen"}}}
	for range 2 {
		if got, err := s.Send(t.Context(), edit); err != nil || got != id {
			t.Fatalf("edit = %d, %v; want %d", got, err, id)
		}
	}
	msgs := e.fake.Messages(anna.ID)
	if len(msgs) != 1 || !msgs[0].Edited || msgs[0].Plain() != "chosen" || len(msgs[0].Buttons) != 0 {
		t.Fatalf("after edit: %+v", msgs)
	}
	edit.EditID = 999
	if got, err := s.Send(t.Context(), edit); err != nil || got == 999 {
		t.Fatalf("edit of a missing message = %d, %v; want a new message", got, err)
	}
	if n := len(e.fake.Messages(anna.ID)); n != 2 {
		t.Errorf("%d messages, want 2", n)
	}
}

// An edit that keeps the text changes only the buttons, with a call that
// carries no text: taken off, they stay off when asked again; new ones are
// signed like any; a message that is gone keeps what it had, and nothing is
// sent in its place.
func TestSendEditsButtonsOnly(t *testing.T) {
	e := newEnv(t, telegramtest.Unlimited())
	s := e.bot(unpaced(e.config())).Sender()
	anna := user(101)
	e.fake.SendText(anna, "hi")
	id, err := s.Send(t.Context(), flows.Message{ChatID: anna.ID, Lines: []flows.T{{Plain: "Tomorrow at 9:30"}},
		Buttons: [][]flows.Button{{{Label: flows.T{Plain: "Yes"}, Data: "a"}}}})
	if err != nil {
		t.Fatal(err)
	}
	off := flows.Message{ChatID: anna.ID, EditID: id, KeepText: true, Lines: []flows.T{{Plain: "ignored"}}}
	for range 2 {
		if got, err := s.Send(t.Context(), off); err != nil || got != id {
			t.Fatalf("buttons off = %d, %v; want %d", got, err, id)
		}
	}
	msgs := e.fake.Messages(anna.ID)
	if len(msgs) != 1 || msgs[0].Plain() != "Tomorrow at 9:30" || len(msgs[0].Buttons) != 0 {
		t.Fatalf("after taking the buttons off: %+v", msgs)
	}
	if n := e.fake.Calls("editMessageText"); n != 0 {
		t.Errorf("%d calls of editMessageText, want none: the text stays", n)
	}
	on := flows.Message{ChatID: anna.ID, EditID: id, KeepText: true,
		Buttons: [][]flows.Button{{{Label: flows.T{Plain: "Change"}, Data: "chg"}}}}
	if _, err := s.Send(t.Context(), on); err != nil {
		t.Fatal(err)
	}
	m, _ := e.fake.Last(anna.ID)
	if m.Plain() != "Tomorrow at 9:30" || len(m.Buttons) != 1 || len(m.Buttons[0]) != 1 {
		t.Fatalf("after new buttons: %q %+v", m.Plain(), m.Buttons)
	}
	if data, ok := s.sg.verify(anna.ID, m.Buttons[0][0].CallbackData); !ok || data != "chg" {
		t.Errorf("the new button carries %q, signed: %v", m.Buttons[0][0].CallbackData, ok)
	}
	off.EditID = 999
	if _, err := s.Send(t.Context(), off); err != nil {
		t.Errorf("buttons off a message that is gone: %v", err)
	}
	if n := len(e.fake.Messages(anna.ID)); n != 1 {
		t.Errorf("%d messages, want 1: nothing is sent in place of a message gone", n)
	}
}

// Button presses reach the flows verified; data Nido never signed arrives Forged.
func TestCallbacks(t *testing.T) {
	e := newEnv(t, telegramtest.Unlimited())
	b := e.bot(unpaced(e.config()))
	f := newEcho(b.Sender())
	run(t, b, f)
	anna := user(101)
	e.fake.SendText(anna, "hi")
	e.waitCount(anna.ID, 1)
	_, err := b.Sender().Send(t.Context(), flows.Message{ChatID: anna.ID, Lines: []flows.T{{Plain: "Confermi?"}},
		Lang: "en", Buttons: [][]flows.Button{{{Label: flows.T{ID: "signup.accept"}, Data: "appt:yes:7"}}}})
	if err != nil {
		t.Fatal(err)
	}
	e.fake.MustPress(t, anna, "✅ I agree")
	e.fake.WaitText(t, anna.ID, "pressed appt:yes:7")
	last, _ := e.fake.Last(anna.ID)
	e.fake.PressData(anna, last.ID, "appt:yes:7")
	e.fake.WaitText(t, anna.ID, "forged")
	ins := f.seen()
	if got := ins[len(ins)-1]; !got.Forged || got.Callback != "" {
		t.Errorf("forged press reached flows as %+v", got)
	}
	if n := e.fake.UnansweredCallbacks(); n != 0 {
		t.Errorf("%d presses left unanswered", n)
	}
}

// The command menu: everyone's default in a language, or one chat's.
func TestSetCommands(t *testing.T) {
	e := newEnv(t)
	s := e.bot(e.config()).Sender()
	anna := user(101)
	e.fake.SendText(anna, "hi")
	cmds := []flows.Command{{Name: "menu", Description: flows.T{ID: "command.menu"}}}
	if err := s.SetCommands(t.Context(), 0, "fr", cmds); err != nil {
		t.Fatal(err)
	}
	if err := s.SetCommands(t.Context(), anna.ID, "en", cmds); err != nil {
		t.Fatal(err)
	}
	sets := e.fake.Commands()
	if len(sets) != 2 {
		t.Fatalf("command sets %+v, want 2", sets)
	}
	for _, set := range sets {
		if len(set.Commands) != 1 || set.Commands[0].Command != "menu" || set.Commands[0].Description == "" {
			t.Errorf("set %+v", set)
		}
	}
}

// Deleting twice is not an error; the second time the message is already gone.
func TestDelete(t *testing.T) {
	e := newEnv(t)
	s := e.bot(e.config()).Sender()
	anna := user(101)
	e.fake.SendText(anna, "hi")
	id, err := s.Send(t.Context(), flows.Message{ChatID: anna.ID, Lines: []flows.T{{Plain: "bye"}}})
	if err != nil {
		t.Fatal(err)
	}
	for range 2 {
		if err := s.Delete(t.Context(), anna.ID, id); err != nil {
			t.Fatal(err)
		}
	}
	if m := e.fake.Messages(anna.ID); len(m) != 1 || !m[0].Deleted {
		t.Errorf("after delete: %+v", m)
	}
}

// A panicking flow is recovered: the person is told kindly, in their app's
// language, and the next message is handled as usual.
func TestPanicRecovered(t *testing.T) {
	e := newEnv(t)
	b := e.bot(e.config())
	f := newEcho(b.Sender())
	f.panicOn = "boom"
	run(t, b, f)
	amina := telegramtest.User{ID: 103, FirstName: "Amina", LanguageCode: "ar"}
	e.fake.SendText(amina, "boom")
	e.fake.SendText(amina, "after")
	msgs := e.waitCount(amina.ID, 2)
	want, _ := e.cat.Text("ar", "bot.error", nil, nil)
	if msgs[0].Plain() != rlm+want || msgs[1].Plain() != "after" {
		t.Errorf("replies %q, %q; want the Arabic apology then the echo", msgs[0].Plain(), msgs[1].Plain())
	}
	if n := counter(t, b.m.panics); n != 1 {
		t.Errorf("panics metric = %d, want 1", n)
	}
}
