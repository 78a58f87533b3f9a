package scheduler

import (
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"
)

func TestEncodeDecodeJob(t *testing.T) {
	tests := []Job{
		{ID: "appt:42:24h", Kind: "appointment.reminder", Owner: "m:7", Due: time.UnixMilli(1790000000123),
			Event: time.UnixMilli(1790003600000), Urgent: true, Args: map[string]string{"appointment": "42", "family": "f:1"}, Attempt: 3},
		{ID: "tip:1", Kind: "tip", Owner: "m:8", Due: time.UnixMilli(1790000000000)},
		{ID: "urgent", Kind: "staff.alert", Owner: "s:1", Due: time.UnixMilli(1790000000000), Urgent: true},
		{ID: "retry", Kind: "tip", Owner: "m:8", Due: time.UnixMilli(1790000000000), Attempt: 12},
		{ID: `quote"d`, Kind: "k,[]", Owner: "ü", Due: time.UnixMilli(1), Args: map[string]string{`a"`: "", "": "x"}},
	}
	for _, j := range tests {
		t.Run(j.ID, func(t *testing.T) {
			body := encodeJob(j)
			got, err := decodeJob(j.ID, body)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, j) {
				t.Errorf("round trip of %q = %+v, want %+v", body, got, j)
			}
		})
	}
	for _, body := range []string{"", "k\x1fo", "k\x1fo\x1fzz!\x1f\x1f", "k\x1fo\x1f1\x1f\x1fx\x1fkey"} {
		if _, err := decodeJob("x", body); err == nil {
			t.Errorf("decodeJob(%q) did not fail", body)
		}
	}
}

func TestEncodedJobIsSmall(t *testing.T) {
	j := Job{ID: "appt:00000005:remind-24h", Kind: "appointment.reminder", Owner: "m:1000000001",
		Due: time.UnixMilli(1790000000000), Event: time.UnixMilli(1790086400000),
		Args: map[string]string{"appointment": "00000005"}}
	if n := len(encodeJob(j)); n > 76 { // 76 bytes plus the string header fit an 80-byte allocation
		t.Errorf("a typical job encodes in %d bytes, want at most 76", n)
	}
}

func TestValidateRejectsControlCharacters(t *testing.T) {
	ok := Job{ID: "a", Kind: "tip", Owner: "m:1", Due: time.Unix(1, 0)}
	if err := ok.validate(); err != nil {
		t.Fatal(err)
	}
	for name, j := range map[string]Job{
		"id":        {ID: "a\x1fb", Kind: "tip", Owner: "m:1", Due: time.Unix(1, 0)},
		"kind":      {ID: "a", Kind: "tip\n", Owner: "m:1", Due: time.Unix(1, 0)},
		"owner":     {ID: "a", Kind: "tip", Owner: "m:\x001", Due: time.Unix(1, 0)},
		"arg key":   {ID: "a", Kind: "tip", Owner: "m:1", Due: time.Unix(1, 0), Args: map[string]string{"k\x1f": "v"}},
		"arg value": {ID: "a", Kind: "tip", Owner: "m:1", Due: time.Unix(1, 0), Args: map[string]string{"k": "v\x1e"}},
		"long id":   {ID: strings.Repeat("x", maxIDLen+1), Kind: "tip", Owner: "m:1", Due: time.Unix(1, 0)},
	} {
		t.Run(name, func(t *testing.T) {
			if err := j.validate(); err == nil {
				t.Error("accepted")
			}
		})
	}
}

func TestPermanent(t *testing.T) {
	base := errors.New("bot blocked")
	wrapped := fmt.Errorf("send: %w", Permanent(base))
	if !isPermanent(wrapped) || !errors.Is(wrapped, base) {
		t.Errorf("Permanent lost in wrapping: permanent=%v is=%v", isPermanent(wrapped), errors.Is(wrapped, base))
	}
	if isPermanent(base) {
		t.Error("a plain error counts as permanent")
	}
	if Permanent(nil) != nil {
		t.Error("Permanent(nil) is not nil")
	}
}
