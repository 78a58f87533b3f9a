package flows

import (
	"slices"
	"testing"
	"time"

	"nido/scheduler"
)

// The group keys, pinned: changing one orphans what is stored under the old name.
func TestGroupKeys(t *testing.T) {
	k := keys{prefix: "nido"}
	tests := []struct{ got, want string }{
		{k.groupSeq(), "nido:group:seq"},
		{k.group("5"), "nido:group:5"},
		{k.orgGroups("7"), "nido:groups:org:7"},
		{k.groupMembers("5"), "nido:group:5:members"},
		{k.motherGroups(3001), "nido:groups:mother:3001"},
		{k.meetingSeq(), "nido:meeting:seq"},
		{k.meeting("42"), "nido:meeting:42"},
		{k.groupMeetings("5"), "nido:group:5:meetings"},
	}
	for _, tt := range tests {
		if tt.got != tt.want {
			t.Errorf("key %q, want %q", tt.got, tt.want)
		}
	}
}

// groupWorld is Casa Aurora with a second mother, Olena, and a group
// "Mamme del martedì" holding both, with a meeting on Wednesday at 17:00.
func groupWorld(t *testing.T) (*apptWorld, Person, Group, Meeting) {
	t.Helper()
	w := newApptWorld(t)
	now := w.clock.Now()
	olena := Person{ID: 3002, Role: RoleMother, OrgID: "1", Lang: "uk", Name: "Olena", Joined: now}
	if err := w.e.People().Save(w.ctx, olena); err != nil {
		t.Fatal(err)
	}
	st := w.e.groupStore()
	g := Group{ID: "1", Org: "1", Name: "Mamme del martedì", By: w.staff.ID, Created: now}
	if err := st.saveGroup(w.ctx, g); err != nil {
		t.Fatal(err)
	}
	for _, m := range []Person{w.mother, olena} {
		if _, err := st.addMember(w.ctx, g, m.ID, now); err != nil {
			t.Fatal(err)
		}
	}
	m := Meeting{ID: "1", Group: g.ID, Org: g.Org, At: time.Date(2026, 11, 25, 17, 0, 0, 0, w.loc),
		Place: "Via Roma 1", Status: meetingPlanned, By: w.staff.ID, Created: now}
	if _, err := st.saveMeeting(w.ctx, m, w.clock.Now()); err != nil {
		t.Fatal(err)
	}
	return w, olena, g, m
}

// Answers are kept per member; a removed or erased mother leaves neither
// her membership nor her answers behind; a cancelled meeting takes no answer.
func TestGroupStore(t *testing.T) {
	w, olena, g, m := groupWorld(t)
	st := w.e.groupStore()
	for who, a := range map[int64]string{w.mother.ID: answerComing, olena.ID: answerNotComing} {
		if ok, err := st.answer(w.ctx, m, who, a); err != nil || !ok {
			t.Fatalf("answer of %d: %v, %v", who, ok, err)
		}
	}
	got, ok, err := st.meeting(w.ctx, m.ID)
	if err != nil || !ok || got.Answers[w.mother.ID] != answerComing || got.Answers[olena.ID] != answerNotComing {
		t.Fatalf("meeting %+v, found %v, err %v", got, ok, err)
	}
	mothers, err := w.e.groupMothers(w.ctx, g)
	if err != nil {
		t.Fatal(err)
	}
	if yes, no, none := answerCounts(got, mothers); yes != 1 || no != 1 || none != 0 {
		t.Errorf("counts %d %d %d, want 1 1 0", yes, no, none)
	}

	if err := st.removeMember(w.ctx, g.ID, olena.ID); err != nil {
		t.Fatal(err)
	}
	got, _, _ = st.meeting(w.ctx, m.ID)
	if _, kept := got.Answers[olena.ID]; kept {
		t.Error("a removed mother's answer is kept")
	}
	if gs, _ := st.ofMother(w.ctx, olena.ID); len(gs) != 0 {
		t.Errorf("a removed mother is still in %v", gs)
	}

	if err := w.e.Erase(w.ctx, w.mother); err != nil {
		t.Fatal(err)
	}
	ids, err := st.members(w.ctx, g)
	if err != nil || len(ids) != 0 {
		t.Errorf("members after erasure: %v, %v", ids, err)
	}
	got, _, _ = st.meeting(w.ctx, m.ID)
	if len(got.Answers) != 0 {
		t.Errorf("answers after erasure: %v", got.Answers)
	}
	if n, _ := w.rdb.Exists(w.ctx, w.e.k.motherGroups(w.mother.ID)).Result(); n != 0 {
		t.Error("her list of groups is kept")
	}

	if ok, err := st.cancelMeeting(w.ctx, m); err != nil || !ok {
		t.Fatalf("cancel: %v, %v", ok, err)
	}
	if ok, _ := st.cancelMeeting(w.ctx, m); ok {
		t.Error("cancelled twice")
	}
	if ok, _ := st.answer(w.ctx, m, olena.ID, answerComing); ok {
		t.Error("an answer landed on a cancelled meeting")
	}
	// Nor does one bring back a meeting that expired.
	if ok, _ := st.answer(w.ctx, Meeting{ID: "99"}, olena.ID, answerComing); ok {
		t.Error("an answer made a meeting out of nothing")
	}
	if n, _ := w.rdb.Exists(w.ctx, w.e.k.meeting("99")).Result(); n != 0 {
		t.Error("a ghost meeting was written")
	}
}

// A meeting's reminder comes a day before, keeps its id when planned
// again, and goes when the meeting is cancelled.
func TestMeetingReminderJob(t *testing.T) {
	w, olena, _, m := groupWorld(t)
	if err := w.e.planMeeting(w.ctx, m); err != nil {
		t.Fatal(err)
	}
	if err := w.e.planMeeting(w.ctx, m); err != nil {
		t.Fatal(err)
	}
	jobs, err := w.sched.ListOwner(w.ctx, meetingJobOwner(m))
	if err != nil || len(jobs) != 1 || jobs[0].ID != "meet:1:remind-24h" {
		t.Fatalf("jobs %+v, err %v", jobs, err)
	}
	if want := m.At.AddDate(0, 0, -1); !jobs[0].Due.Equal(want) || jobs[0].Args["meeting"] != m.ID || len(jobs[0].Args) != 1 {
		t.Errorf("job due %v with %v, want %v with the meeting id only", jobs[0].Due, jobs[0].Args, want)
	}

	// Run it: Olena said she cannot come, Fatima did not answer.
	if _, err := w.e.groupStore().answer(w.ctx, m, olena.ID, answerNotComing); err != nil {
		t.Fatal(err)
	}
	before := w.out.count()
	if err := w.e.runJob(w.ctx, jobs[0]); err != nil {
		t.Fatal(err)
	}
	w.out.mu.Lock()
	sent := slices.Clone(w.out.sent[before:])
	w.out.mu.Unlock()
	if len(sent) != 1 || sent[0].ChatID != w.mother.ID || sent[0].JobID != "meet:1:remind-24h/3001" {
		t.Fatalf("reminders %+v, want one to Fatima", sent)
	}
	if sent[0].Lines[0].ID != "group.reminder_title" || len(sent[0].Buttons) != 3 {
		t.Errorf("reminder %+v", sent[0])
	}

	// Cancelled: the job goes, and a run of it sends nothing.
	if _, err := w.e.groupStore().cancelMeeting(w.ctx, m); err != nil {
		t.Fatal(err)
	}
	if err := w.e.dropMeetingJobs(w.ctx, m); err != nil {
		t.Fatal(err)
	}
	if jobs, _ := w.sched.ListOwner(w.ctx, meetingJobOwner(m)); len(jobs) != 0 {
		t.Errorf("jobs left after cancelling: %+v", jobs)
	}
	before = w.out.count()
	if err := w.e.runJob(w.ctx, scheduler.Job{ID: "meet:1:remind-24h", Kind: jobMeetingReminder,
		Args: map[string]string{"meeting": m.ID}}); err != nil || w.out.count() != before {
		t.Errorf("a cancelled meeting's reminder: err %v, %d sent", err, w.out.count()-before)
	}
}

// Staff adding a mother while she erases her data: whichever comes first,
// she is not left in the group.
func TestAddingAMotherWhileSheIsErased(t *testing.T) {
	w, _, g, _ := groupWorld(t)
	st := w.e.groupStore()
	if err := st.removeMember(w.ctx, g.ID, w.mother.ID); err != nil {
		t.Fatal(err)
	}
	// Her erasure runs just before the staff's write reaches Redis.
	w.hook.arm(command("zadd", ":members"), func() error { return w.e.Erase(w.ctx, w.mother) })
	w.want(w.do(w.staff, "!gra:"+g.ID+":"+id64(w.mother.ID)), "appointment.mother_gone")
	if in, err := st.isMember(w.ctx, g, w.mother.ID); err != nil || in {
		t.Errorf("an erased mother is in the group: %v, %v", in, err)
	}
	if n, _ := w.rdb.Exists(w.ctx, w.e.k.motherGroups(w.mother.ID)).Result(); n != 0 {
		t.Error("her list of groups came back")
	}
}

// Staff of another organisation, and mothers outside the group, are refused
// every group button, and nothing changes.
func TestGroupButtonsCheckTheOrganisation(t *testing.T) {
	w, olena, g, m := groupWorld(t)
	now := w.clock.Now()
	other := Person{ID: 2009, Role: RoleStaff, OrgID: "2", Lang: "it", Name: "Marco", Joined: now}
	stranger := Person{ID: 3009, Role: RoleMother, OrgID: "1", Lang: "it", Name: "Sara", Joined: now}
	for _, p := range []Person{other, stranger} {
		if err := w.e.People().Save(w.ctx, p); err != nil {
			t.Fatal(err)
		}
	}
	for _, data := range []string{"grp:" + g.ID, "gra:" + g.ID, "gra:" + g.ID + ":" + id64(stranger.ID),
		"grr:" + g.ID + ":" + id64(olena.ID), "grm:" + g.ID, "grc:" + g.ID, "grc:" + g.ID + ":" + m.ID, "grx:" + m.ID} {
		w.want(w.do(other, "!"+data), "common.button_invalid")
	}
	w.want(w.do(stranger, "!gm:y:"+m.ID), "common.button_invalid")
	w.want(w.do(w.mother, "!gm:y:"+m.ID+"0"), "common.button_invalid")
	w.want(w.do(w.mother, "!gm:maybe:"+m.ID), "common.button_invalid")
	w.want(w.do(w.staff, "!gra:"+g.ID+":"+id64(other.ID)), "common.button_invalid")
	w.want(w.do(w.mother, "/groups"), "common.not_allowed")
	got, _, _ := w.e.groupStore().meeting(w.ctx, m.ID)
	if got.Status != meetingPlanned || len(got.Answers) != 0 {
		t.Errorf("meeting changed: %+v", got)
	}
	ids, _ := w.e.groupStore().members(w.ctx, g)
	if len(ids) != 2 {
		t.Errorf("members changed: %v", ids)
	}
}

// Saving a meeting again (a step repeated after an error) keeps the answers,
// and does not bring back a meeting a colleague cancelled meanwhile.
func TestSavingAMeetingAgain(t *testing.T) {
	w, _, _, m := groupWorld(t)
	st := w.e.groupStore()
	if ok, err := st.answer(w.ctx, m, w.mother.ID, answerComing); err != nil || !ok {
		t.Fatalf("answer: %v, %v", ok, err)
	}
	if saved, err := st.saveMeeting(w.ctx, m, w.clock.Now()); err != nil || !saved {
		t.Fatalf("saved again: %v, %v", saved, err)
	}
	got, _, _ := st.meeting(w.ctx, m.ID)
	if got.Answers[w.mother.ID] != answerComing {
		t.Errorf("her answer is gone after saving again: %+v", got)
	}
	if ok, err := st.cancelMeeting(w.ctx, m); err != nil || !ok {
		t.Fatalf("cancel: %v, %v", ok, err)
	}
	if saved, err := st.saveMeeting(w.ctx, m, w.clock.Now()); err != nil || saved {
		t.Errorf("a cancelled meeting saved again: %v, %v", saved, err)
	}
	if got, _, _ := st.meeting(w.ctx, m.ID); got.Status != meetingCancelled {
		t.Errorf("status %q after saving a cancelled meeting, want it cancelled", got.Status)
	}
}
