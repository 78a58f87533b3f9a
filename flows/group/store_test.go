package group

import (
	"slices"
	"testing"
	"time"

	"nido/flows"
	"nido/flows/flowstest"
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
		{k.attendMonth("7", "2026-11"), "nido:attend:7:2026-11"},
	}
	for _, tt := range tests {
		if tt.got != tt.want {
			t.Errorf("key %q, want %q", tt.got, tt.want)
		}
	}
}

// world is a flowstest World with the group capability, and that
// capability's own parts.
type world struct {
	*flowstest.World
	c *capability
}

// groupWorld is Casa Aurora with a second mother, Olena, and a group
// "Mamme del martedì" holding both, with a meeting on Wednesday at 17:00.
func groupWorld(t *testing.T) (*world, flows.Person, Group, Meeting) {
	t.Helper()
	w := &world{World: flowstest.New(t, New())}
	w.c = &capability{Engine: w.E, k: keys{prefix: flowstest.Prefix}}
	now := w.Clock.Now()
	olena := flows.Person{ID: 3002, Role: flows.RoleMother, OrgID: "1", Lang: "uk", Name: "Olena", Joined: now}
	if err := w.E.People().Save(w.Ctx, olena); err != nil {
		t.Fatal(err)
	}
	st := w.c.groupStore()
	g := Group{ID: "1", Org: "1", Name: "Mamme del martedì", By: w.Staff.ID, Created: now}
	if err := st.saveGroup(w.Ctx, g); err != nil {
		t.Fatal(err)
	}
	for _, m := range []flows.Person{w.Mother, olena} {
		if _, err := st.addMember(w.Ctx, g, m.ID, now); err != nil {
			t.Fatal(err)
		}
	}
	m := Meeting{ID: "1", Group: g.ID, Org: g.Org, At: time.Date(2026, 11, 25, 17, 0, 0, 0, w.Loc),
		Place: "Via Roma 1", Status: meetingPlanned, By: w.Staff.ID, Created: now}
	if _, err := st.saveMeeting(w.Ctx, m, w.Clock.Now(), saveRewrite); err != nil {
		t.Fatal(err)
	}
	return w, olena, g, m
}

// Answers are kept per member; a removed or erased mother leaves neither
// her membership nor her answers behind; a cancelled meeting takes no answer.
func TestGroupStore(t *testing.T) {
	w, olena, g, m := groupWorld(t)
	st := w.c.groupStore()
	for who, a := range map[int64]string{w.Mother.ID: answerComing, olena.ID: answerNotComing} {
		if ok, err := st.answer(w.Ctx, m, who, a); err != nil || !ok {
			t.Fatalf("answer of %d: %v, %v", who, ok, err)
		}
	}
	got, ok, err := st.meeting(w.Ctx, m.ID)
	if err != nil || !ok || got.Answers[w.Mother.ID] != answerComing || got.Answers[olena.ID] != answerNotComing {
		t.Fatalf("meeting %+v, found %v, err %v", got, ok, err)
	}
	mothers, err := w.c.groupMothers(w.Ctx, g)
	if err != nil {
		t.Fatal(err)
	}
	if yes, no, none := answerCounts(got, mothers); yes != 1 || no != 1 || none != 0 {
		t.Errorf("counts %d %d %d, want 1 1 0", yes, no, none)
	}

	if err := st.removeMember(w.Ctx, g.ID, olena.ID); err != nil {
		t.Fatal(err)
	}
	got, _, _ = st.meeting(w.Ctx, m.ID)
	if _, kept := got.Answers[olena.ID]; kept {
		t.Error("a removed mother's answer is kept")
	}
	if gs, _ := st.ofMother(w.Ctx, olena.ID); len(gs) != 0 {
		t.Errorf("a removed mother is still in %v", gs)
	}

	if err := w.E.Erase(w.Ctx, w.Mother); err != nil {
		t.Fatal(err)
	}
	ids, err := st.members(w.Ctx, g)
	if err != nil || len(ids) != 0 {
		t.Errorf("members after erasure: %v, %v", ids, err)
	}
	got, _, _ = st.meeting(w.Ctx, m.ID)
	if len(got.Answers) != 0 {
		t.Errorf("answers after erasure: %v", got.Answers)
	}
	if n, _ := w.Redis.Exists(w.Ctx, w.c.k.motherGroups(w.Mother.ID)).Result(); n != 0 {
		t.Error("her list of groups is kept")
	}

	if ok, err := st.cancelMeeting(w.Ctx, m); err != nil || !ok {
		t.Fatalf("cancel: %v, %v", ok, err)
	}
	if ok, _ := st.cancelMeeting(w.Ctx, m); ok {
		t.Error("cancelled twice")
	}
	if ok, _ := st.answer(w.Ctx, m, olena.ID, answerComing); ok {
		t.Error("an answer landed on a cancelled meeting")
	}
	// Nor does one bring back a meeting that expired.
	if ok, _ := st.answer(w.Ctx, Meeting{ID: "99"}, olena.ID, answerComing); ok {
		t.Error("an answer made a meeting out of nothing")
	}
	if n, _ := w.Redis.Exists(w.Ctx, w.c.k.meeting("99")).Result(); n != 0 {
		t.Error("a ghost meeting was written")
	}
}

// A meeting's reminders come a day and two hours before, and the question
// of who came two hours after; they keep their ids when planned again, and
// go when the meeting is cancelled.
func TestMeetingReminderJob(t *testing.T) {
	w, olena, _, m := groupWorld(t)
	if err := w.c.planMeeting(w.Ctx, m); err != nil {
		t.Fatal(err)
	}
	if err := w.c.planMeeting(w.Ctx, m); err != nil {
		t.Fatal(err)
	}
	jobs, err := w.Sched.ListOwner(w.Ctx, meetingJobOwner(m))
	slices.SortFunc(jobs, func(a, b scheduler.Job) int { return a.Due.Compare(b.Due) })
	if err != nil || len(jobs) != 3 || jobs[0].ID != "meet:1:remind-24h" || jobs[1].ID != "meet:1:remind-2h" || jobs[2].ID != "meet:1:attendance" {
		t.Fatalf("jobs %+v, err %v", jobs, err)
	}
	if want := m.At.AddDate(0, 0, -1); !jobs[0].Due.Equal(want) || jobs[0].Args["meeting"] != m.ID || len(jobs[0].Args) != 1 {
		t.Errorf("job due %v with %v, want %v with the meeting id only", jobs[0].Due, jobs[0].Args, want)
	}
	if want := m.At.Add(-2 * time.Hour); !jobs[1].Due.Equal(want) {
		t.Errorf("second reminder due %v, want %v", jobs[1].Due, want)
	}

	// Run it: Olena said she cannot come, Fatima did not answer.
	if _, err := w.c.groupStore().answer(w.Ctx, m, olena.ID, answerNotComing); err != nil {
		t.Fatal(err)
	}
	before := w.Out.Count()
	if err := w.E.Jobs().Handle(w.Ctx, jobs[0]); err != nil {
		t.Fatal(err)
	}
	sent := w.Out.Sent()[before:]
	if len(sent) != 1 || sent[0].ChatID != w.Mother.ID || sent[0].JobID != "meet:1:remind-24h/3001" {
		t.Fatalf("reminders %+v, want one to Fatima", sent)
	}
	if sent[0].Lines[0].ID != "group.reminder_title" || len(sent[0].Buttons) != 3 {
		t.Errorf("reminder %+v", sent[0])
	}

	// Cancelled: the job goes, and a run of it sends nothing.
	if _, err := w.c.groupStore().cancelMeeting(w.Ctx, m); err != nil {
		t.Fatal(err)
	}
	if err := w.c.dropMeetingJobs(w.Ctx, m); err != nil {
		t.Fatal(err)
	}
	if jobs, _ := w.Sched.ListOwner(w.Ctx, meetingJobOwner(m)); len(jobs) != 0 {
		t.Errorf("jobs left after cancelling: %+v", jobs)
	}
	before = w.Out.Count()
	if err := w.E.Jobs().Handle(w.Ctx, scheduler.Job{ID: "meet:1:remind-24h", Kind: jobMeetingReminder,
		Args: map[string]string{"meeting": m.ID}}); err != nil || w.Out.Count() != before {
		t.Errorf("a cancelled meeting's reminder: err %v, %d sent", err, w.Out.Count()-before)
	}
}

// Staff adding a mother while she erases her data: whichever comes first,
// she is not left in the group.
func TestAddingAMotherWhileSheIsErased(t *testing.T) {
	w, _, g, _ := groupWorld(t)
	st := w.c.groupStore()
	if err := st.removeMember(w.Ctx, g.ID, w.Mother.ID); err != nil {
		t.Fatal(err)
	}
	// Her erasure runs just before the staff's write reaches Redis.
	w.Hook.Arm(flowstest.Command("zadd", ":members"), func() error { return w.E.Erase(w.Ctx, w.Mother) })
	w.Want(w.Do(w.Staff, "!gra:"+g.ID+":"+id64(w.Mother.ID)), "appointment.mother_gone")
	if in, err := st.isMember(w.Ctx, g, w.Mother.ID); err != nil || in {
		t.Errorf("an erased mother is in the group: %v, %v", in, err)
	}
	if n, _ := w.Redis.Exists(w.Ctx, w.c.k.motherGroups(w.Mother.ID)).Result(); n != 0 {
		t.Error("her list of groups came back")
	}
}

// Staff of another organisation, and mothers outside the group, are refused
// every group button, and nothing changes.
func TestGroupButtonsCheckTheOrganisation(t *testing.T) {
	w, olena, g, m := groupWorld(t)
	now := w.Clock.Now()
	other := flows.Person{ID: 2009, Role: flows.RoleStaff, OrgID: "2", Lang: "it", Name: "Marco", Joined: now}
	stranger := flows.Person{ID: 3009, Role: flows.RoleMother, OrgID: "1", Lang: "it", Name: "Sara", Joined: now}
	for _, p := range []flows.Person{other, stranger} {
		if err := w.E.People().Save(w.Ctx, p); err != nil {
			t.Fatal(err)
		}
	}
	for _, data := range []string{verbPage + ":" + g.ID, verbAdd + ":" + g.ID, verbAdd + ":" + g.ID + ":" + id64(stranger.ID),
		verbRemove + ":" + g.ID + ":" + id64(olena.ID), verbPlan + ":" + g.ID, verbAskCancel + ":" + g.ID, verbAskCancel + ":" + g.ID + ":" + m.ID, verbCancel + ":" + m.ID} {
		w.Want(w.Do(other, "!"+data), "common.button_invalid")
	}
	w.Want(w.Do(stranger, "!gm:y:"+m.ID), "common.button_invalid")
	w.Want(w.Do(w.Mother, "!gm:y:"+m.ID+"0"), "common.button_invalid")
	w.Want(w.Do(w.Mother, "!gm:maybe:"+m.ID), "common.button_invalid")
	w.Want(w.Do(w.Staff, "!gra:"+g.ID+":"+id64(other.ID)), "common.button_invalid")
	w.Want(w.Do(w.Mother, "/groups"), "common.not_allowed")
	got, _, _ := w.c.groupStore().meeting(w.Ctx, m.ID)
	if got.Status != meetingPlanned || len(got.Answers) != 0 {
		t.Errorf("meeting changed: %+v", got)
	}
	ids, _ := w.c.groupStore().members(w.Ctx, g)
	if len(ids) != 2 {
		t.Errorf("members changed: %v", ids)
	}
}

// Saving a meeting again (a step repeated after an error) keeps the answers,
// and does not bring back a meeting a colleague cancelled meanwhile.
func TestSavingAMeetingAgain(t *testing.T) {
	w, _, _, m := groupWorld(t)
	st := w.c.groupStore()
	if ok, err := st.answer(w.Ctx, m, w.Mother.ID, answerComing); err != nil || !ok {
		t.Fatalf("answer: %v, %v", ok, err)
	}
	if saved, err := st.saveMeeting(w.Ctx, m, w.Clock.Now(), saveRewrite); err != nil || !saved {
		t.Fatalf("saved again: %v, %v", saved, err)
	}
	got, _, _ := st.meeting(w.Ctx, m.ID)
	if got.Answers[w.Mother.ID] != answerComing {
		t.Errorf("her answer is gone after saving again: %+v", got)
	}
	if ok, err := st.cancelMeeting(w.Ctx, m); err != nil || !ok {
		t.Fatalf("cancel: %v, %v", ok, err)
	}
	if saved, err := st.saveMeeting(w.Ctx, m, w.Clock.Now(), saveRewrite); err != nil || saved {
		t.Errorf("a cancelled meeting saved again: %v, %v", saved, err)
	}
	if got, _, _ := st.meeting(w.Ctx, m.ID); got.Status != meetingCancelled {
		t.Errorf("status %q after saving a cancelled meeting, want it cancelled", got.Status)
	}
}

// A mother's messages about a meeting are kept once each, the last
// maxMessagesKept; none is kept on a cancelled meeting, and they go with her.
func TestKeptMessages(t *testing.T) {
	w, olena, g, m := groupWorld(t)
	st := w.c.groupStore()
	for _, id := range []int{5, 6, 7, 8, 9, 10, 11, 5, 0} {
		if err := st.keepMessage(w.Ctx, m, olena.ID, id); err != nil {
			t.Fatal(err)
		}
	}
	got, _, _ := st.meeting(w.Ctx, m.ID)
	if want := []int{7, 8, 9, 10, 11, 5}; !slices.Equal(got.Messages[olena.ID], want) {
		t.Errorf("kept %v, want %v", got.Messages[olena.ID], want)
	}
	if err := st.removeMember(w.Ctx, g.ID, olena.ID); err != nil {
		t.Fatal(err)
	}
	if got, _, _ = st.meeting(w.Ctx, m.ID); len(got.Messages) != 0 {
		t.Errorf("a removed mother's messages are kept: %v", got.Messages)
	}
	if _, err := st.cancelMeeting(w.Ctx, m); err != nil {
		t.Fatal(err)
	}
	if err := st.keepMessage(w.Ctx, m, w.Mother.ID, 13); err != nil {
		t.Fatal(err)
	}
	if got, _, _ = st.meeting(w.Ctx, m.ID); len(got.Messages) != 0 {
		t.Errorf("a message was kept on a cancelled meeting: %v", got.Messages)
	}
}
