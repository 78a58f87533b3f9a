package family

import (
	"slices"
	"testing"

	"nido/flows"
	"nido/flows/flowstest"
)

// A family and staff act at the same moment, each in their own chat: what
// one writes must not undo what the other did, nor tell the mother
// something that is not so.

// pairedWorld is Casa Aurora with the family Marco (4001) paired with
// Fatima by Anna, and a visit (1) at her home on Wednesday 25 November at
// 10:00, planned by the family.
func pairedWorld(t *testing.T) (*flowstest.World, flows.Person) {
	w := flowstest.New(t, New(DefaultConfig()))
	fam := flows.Person{ID: 4001, Role: flows.RoleFamily, OrgID: "1", Lang: "it", Name: "Marco", Joined: w.Clock.Now()}
	if err := w.E.People().Save(w.Ctx, fam); err != nil {
		t.Fatal(err)
	}
	w.Want(w.Do(w.Staff, "!fp:4001"), "family.ask_mother")
	w.Want(w.Do(w.Staff, "!fp:4001:3001"), "family.ask_offer")
	w.Want(w.Do(w.Staff, "!fps"), "family.pair_confirm")
	w.Want(w.Do(w.Staff, "!fpy"), "family.paired")
	w.Want(w.Do(fam, "!fv:1"), "family.ask_day")
	w.Do(fam, "!fvd:20261125")
	w.Want(w.Do(fam, "!fvt:1000"), "family.ask_place")
	w.Want(w.Do(fam, "!fvh"), "family.ask_repeat")
	w.Want(w.Do(fam, "!fvr:0"), "family.planned")
	return w, fam
}

// told lists the first line of every message the mother got.
func told(w *flowstest.World) []string {
	var ids []string
	for _, m := range w.Out.Sent() {
		if m.ChatID == w.Mother.ID && len(m.Lines) > 0 {
			ids = append(ids, m.Lines[0].ID)
		}
	}
	return ids
}

// Staff cancel the visit while the family's "Yes, we come" is being
// written: the visit stays cancelled, and the mother is told it is
// cancelled, never that it was confirmed.
func TestConfirmRacingACancellation(t *testing.T) {
	w, fam := pairedWorld(t)
	var cancelled []string
	w.Hook.Arm(flowstest.Command("eval", "t:family:visit:1"), func() error {
		w.Want(w.Do(w.Staff, "!fa:1:1:n"), "family.cancel_confirm")
		cancelled = w.Do(w.Staff, "!fa:1:1:N")
		return nil
	})
	answers := w.Do(fam, "!fa:1:1:y")
	w.Want(cancelled, "family.cancelled")
	w.Want(answers, "common.button_invalid")
	mother := told(w)
	if !slices.Contains(mother, "family.visit_cancelled_mother") || slices.Contains(mother, "family.visit_confirmed_mother") {
		t.Errorf("the mother was told %q", mother)
	}
	v, ok, err := (&capability{Engine: w.E, k: keys{prefix: flowstest.Prefix}}).store().visit(w.Ctx, "1")
	if err != nil || !ok || v.Status != visitCancelled {
		t.Errorf("visit %+v, %v, %v: want it cancelled", v, ok, err)
	}
	if jobs := w.Jobs(pairOwner("1")); len(jobs) != 0 {
		t.Errorf("jobs of a cancelled visit: %v", jobs)
	}
}

// A family that erases its data while planning a visit leaves nothing of
// the pairing: the visit just written is taken back with it.
func TestErasureDuringAVisitsPlanningLeavesNothing(t *testing.T) {
	w, fam := pairedWorld(t)
	w.Do(fam, "!fv:1")
	w.Do(fam, "!fvd:20261126")
	w.Do(fam, "!fvt:1000")
	w.Do(fam, "!fvh")
	w.Hook.Arm(flowstest.Command("eval", "t:family:visit:2"), func() error { return w.E.Erase(w.Ctx, fam) })
	w.Want(w.Do(fam, "!fvr:0"), "appointment.mother_gone")
	keys, err := w.Redis.Keys(w.Ctx, "t:family:*").Result()
	if err != nil {
		t.Fatal(err)
	}
	for _, k := range keys {
		switch k {
		case "t:family:pair:seq", "t:family:visit:seq":
		default:
			t.Errorf("key %s left", k)
		}
	}
	if jobs := w.Jobs(pairOwner("1")); len(jobs) != 0 {
		t.Errorf("jobs left: %v", jobs)
	}
}
