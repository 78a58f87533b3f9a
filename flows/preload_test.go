package flows_test

import (
	"errors"
	"fmt"
	"slices"
	"testing"

	"github.com/redis/go-redis/v9"

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

// What the Telegram layer read with its claim of the chat (Preload) is
// where the answer starts: the person, the conversation and what the
// route names cost no round trip of their own. A preload of another input
// is not used: the session reads for itself.
func TestAnswerStartsFromWhatWasReadAhead(t *testing.T) {
	var got []map[string]string
	capability := func(*flows.Engine) flows.Capability {
		return flows.Capability{Name: "preload", Routes: []flows.Route{{Verb: "pl",
			Preload: func(arg string) []string { return []string{"t:pl:" + arg} },
			Run: func(s *flows.Session, arg string) error {
				h, _ := s.TakePreloaded("t:pl:" + arg)
				got = append(got, h)
				return s.Reply(flows.T{Plain: s.Person().Name})
			}}}}
	}
	w := flowstest.New(t, capability)
	w.Redis.HSet(w.Ctx, "t:pl:a", "f", "v")
	in := flows.Input{ChatID: w.Mother.ID, UserID: w.Mother.ID, Callback: "pl:a"}
	other := flows.Input{ChatID: w.Mother.ID + 1, UserID: w.Mother.ID + 1, Callback: "pl:a"}

	for _, tt := range []struct {
		name  string
		for_  flows.Input
		trips int
	}{
		{"read ahead for this press", in, 0},
		{"read ahead for another chat", other, 1},
	} {
		var pre *flows.Preloaded
		if _, err := w.Redis.Pipelined(w.Ctx, func(p redis.Pipeliner) error {
			pre = w.E.Preload(w.Ctx, p, tt.for_)
			return nil
		}); err != nil && !errors.Is(err, redis.Nil) {
			t.Fatal(err)
		}
		before := w.Hook.RoundTrips()
		if err := w.E.HandlePreloaded(w.Ctx, in, pre); err != nil {
			t.Fatal(err)
		}
		if trips := w.Hook.RoundTrips() - before; trips != tt.trips {
			t.Errorf("%s: %d round trips, want %d", tt.name, trips, tt.trips)
		}
		sent := w.Out.Sent()
		if last := sent[len(sent)-1]; len(last.Lines) == 0 || last.Lines[0].Plain != w.Mother.Name {
			t.Errorf("%s: answered %+v, want her name", tt.name, last.Lines)
		}
		if h := got[len(got)-1]; h["f"] != "v" {
			t.Errorf("%s: the route got %v, want f=v", tt.name, h)
		}
	}
}
