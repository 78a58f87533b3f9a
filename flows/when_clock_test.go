package flows

import "testing"

// A clock code is four digits, hours then minutes; anything else is not.
func TestParseClock(t *testing.T) {
	for _, c := range []struct {
		in   string
		h, m int
		ok   bool
	}{
		{"0930", 9, 30, true}, {"0000", 0, 0, true}, {"2359", 23, 59, true}, {"1700", 17, 0, true},
		{"2400", 0, 0, false}, {"1260", 0, 0, false}, {"930", 0, 0, false}, {"09:30", 0, 0, false},
		{"+930", 0, 0, false}, {" 930", 0, 0, false}, {"9a30", 0, 0, false}, {"", 0, 0, false},
		{"٠٩٣٠", 0, 0, false},
	} {
		h, m, ok := ParseClock(c.in)
		if ok != c.ok || (ok && (h != c.h || m != c.m)) {
			t.Errorf("ParseClock(%q) = %d, %d, %v; want %d, %d, %v", c.in, h, m, ok, c.h, c.m, c.ok)
		}
	}
}
