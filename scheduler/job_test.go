package scheduler

import (
	"errors"
	"fmt"
	"reflect"
	"testing"
	"time"
)

func TestEncodeDecodeJob(t *testing.T) {
	tests := []Job{
		{ID: "appt:42:24h", Kind: "appointment.reminder", Owner: "m:7", Due: time.UnixMilli(1790000000123),
			Event: time.UnixMilli(1790003600000), Urgent: true, Args: map[string]string{"appointment": "42"}, Attempt: 3},
		{ID: "tip:1", Kind: "tip", Owner: "m:8", Due: time.UnixMilli(1790000000000)},
		{ID: "quote\"d", Kind: "k\n", Owner: "ü", Due: time.UnixMilli(1), Args: map[string]string{"a\"": "\x00"}},
	}
	for _, j := range tests {
		t.Run(j.ID, func(t *testing.T) {
			got, err := decodeJob(j.ID, encodeJob(j))
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, j) {
				t.Errorf("round trip = %+v, want %+v", got, j)
			}
		})
	}
	if _, err := decodeJob("x", `["k","o"]`); err == nil {
		t.Error("a short body decoded without error")
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
