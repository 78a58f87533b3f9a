package clock

import (
	"sync"
	"testing"
	"time"
)

func TestManualSetAndAdvance(t *testing.T) {
	start := time.Date(2026, 3, 28, 9, 0, 0, 0, time.UTC)
	c := NewManual(start)
	if got := c.Now(); !got.Equal(start) {
		t.Fatalf("Now = %v, want %v", got, start)
	}
	if got, want := c.Advance(25*time.Hour), start.Add(25*time.Hour); !got.Equal(want) || !c.Now().Equal(want) {
		t.Fatalf("Advance = %v, Now = %v, want %v", got, c.Now(), want)
	}
	back := start.Add(-time.Hour)
	c.Set(back)
	if got := c.Now(); !got.Equal(back) {
		t.Fatalf("after Set Now = %v, want %v", got, back)
	}
}

func TestManualChangedWakesEveryWaiter(t *testing.T) {
	c := NewManual(time.Unix(0, 0))
	ch := c.Changed()
	select {
	case <-ch:
		t.Fatal("Changed fired before the clock moved")
	default:
	}
	var wg sync.WaitGroup
	for range 3 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-ch
		}()
	}
	c.Advance(time.Second)
	wg.Wait()
	next := c.Changed()
	select {
	case <-next:
		t.Fatal("the channel for the next move is already closed")
	default:
	}
	c.Set(time.Unix(100, 0))
	select {
	case <-next:
	case <-time.After(5 * time.Second):
		t.Fatal("Set did not wake the waiter")
	}
}

func TestSystemIsNow(t *testing.T) {
	before := time.Now()
	got := System{}.Now()
	if got.Before(before) || got.After(time.Now()) {
		t.Fatalf("System.Now = %v, not between the surrounding readings", got)
	}
}
