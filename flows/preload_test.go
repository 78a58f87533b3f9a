package flows_test

import (
	"fmt"
	"slices"
	"testing"

	"nido/flows"
	"nido/flows/flowstest"
)

// A press's route names the hashes it reads first; the session reads them
// with the person and the conversation, at most MaxPreload of them, and
// hands each over once. A forged press reads nothing ahead.
func TestPressReadsAheadWhatItsRouteNames(t *testing.T) {
	type took struct {
		arg   string
		got   map[string]map[string]string
		again bool
	}
	var seen []took
	keys := func(arg string) []string {
		if arg == "none" {
			return nil
		}
		var ks []string
		for i := range flows.MaxPreload + 2 {
			ks = append(ks, fmt.Sprintf("t:pl:%s:%d", arg, i))
		}
		return ks
	}
	capability := func(*flows.Engine) flows.Capability {
		return flows.Capability{Name: "preload", Routes: []flows.Route{{Verb: "pl", Preload: keys,
			Run: func(s *flows.Session, arg string) error {
				tk := took{arg: arg, got: map[string]map[string]string{}}
				ks := keys(arg)
				if len(ks) > 0 {
					s.ForgetPreloaded(ks[1]) // as after writing it
				}
				for _, k := range ks {
					if h, ok := s.TakePreloaded(k); ok {
						tk.got[k] = h
					}
				}
				if len(ks) > 0 {
					_, tk.again = s.TakePreloaded(ks[0])
				}
				seen = append(seen, tk)
				return s.Reply(flows.T{Plain: "ok"})
			}}}}
	}
	w := flowstest.New(t, capability)
	w.Redis.HSet(w.Ctx, "t:pl:a:0", "f", "v")

	before := w.Hook.RoundTrips()
	w.Do(w.Mother, "!pl:a")
	if trips := w.Hook.RoundTrips() - before; trips != 1 {
		t.Errorf("the press took %d round trips, want 1", trips)
	}
	got := seen[0].got
	if len(got) != flows.MaxPreload-1 || got["t:pl:a:0"]["f"] != "v" || got["t:pl:a:2"] == nil || len(got["t:pl:a:2"]) != 0 {
		t.Errorf("read ahead %v, want %d hashes, the first with f=v, the others empty", got, flows.MaxPreload-1)
	}
	if _, ok := got["t:pl:a:1"]; ok {
		t.Error("a hash forgotten was handed over")
	}
	if _, ok := got[fmt.Sprintf("t:pl:a:%d", flows.MaxPreload)]; ok {
		t.Errorf("more than %d read ahead", flows.MaxPreload)
	}
	if seen[0].again {
		t.Error("a hash read ahead was handed over twice")
	}

	w.Do(w.Mother, "!pl:none")
	if len(seen[1].got) != 0 {
		t.Errorf("read ahead for nothing: %v", seen[1].got)
	}

	before = w.Hook.RoundTrips()
	if err := w.E.Handle(w.Ctx, flows.Input{ChatID: w.Mother.ID, UserID: w.Mother.ID, Forged: true}); err != nil {
		t.Fatal(err)
	}
	if len(seen) != 2 || w.Hook.RoundTrips()-before != 1 {
		t.Errorf("a forged press ran the route or read more: %d runs", len(seen))
	}
	if !slices.ContainsFunc(w.Out.Sent(), func(m flows.Message) bool {
		return len(m.Lines) > 0 && m.Lines[0].ID == "common.button_invalid"
	}) {
		t.Error("the forged press was not refused")
	}
}
