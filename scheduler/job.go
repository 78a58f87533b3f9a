package scheduler

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Job is one thing to do at a time: a reminder, a tip, a check-in, one
// recipient of a broadcast. It carries ids only, never message text, so the
// queue holds no personal data beyond who it is for.
type Job struct {
	// ID names the job; scheduling the same ID again replaces the job, so
	// callers derive it from what it is about ("appt:42:remind-24h"). IDs,
	// kinds, owners and args have no control characters; IDs and owners
	// have at most 200 bytes.
	ID string
	// Kind tells the handler what to do ("appointment.reminder").
	Kind string
	// Owner is the id of the person the job is about; CancelOwner erases by it.
	// A job id keeps the owner it was first scheduled with.
	Owner string
	// Due is when the job runs, after the quiet-hours rule moved it.
	Due time.Time
	// Event is the moment the job reminds of, if any: the job is not run once
	// it has passed, and quiet hours never push the job past it.
	Event time.Time
	// Urgent jobs ignore quiet hours.
	Urgent bool
	// Args are ids the handler needs ("appointment": "42").
	Args map[string]string
	// Attempt counts the earlier runs of this job that failed.
	Attempt int
}

// Handler performs jobs. It returns nil only once the job's effect is done
// (for a message: Telegram accepted it); any error means "try again later",
// unless wrapped with Permanent.
type Handler interface {
	Handle(ctx context.Context, job Job) error
}

// HandlerFunc lets a plain function be a Handler.
type HandlerFunc func(ctx context.Context, job Job) error

// Handle calls f.
func (f HandlerFunc) Handle(ctx context.Context, job Job) error { return f(ctx, job) }

// Permanent marks a handler error as not worth retrying (the person blocked
// the bot, the appointment is gone): the job goes straight to the dead set.
func Permanent(err error) error {
	if err == nil {
		return nil
	}
	return permanentError{err}
}

type permanentError struct{ err error }

func (p permanentError) Error() string { return "permanent: " + p.err.Error() }
func (p permanentError) Unwrap() error { return p.err }

func isPermanent(err error) bool {
	var p permanentError
	return errors.As(err, &p)
}

// ErrOwnerChanged is returned when a job or rule id is scheduled again with a
// different owner: the owner index would otherwise keep a stale entry, and an
// id is expected to name something that belongs to one person.
var ErrOwnerChanged = errors.New("scheduler: id already belongs to another owner")

// maxIDLen bounds ids so that a bug cannot fill Redis with huge keys.
const maxIDLen = 200

func (j Job) validate() error {
	switch {
	case j.ID == "" || len(j.ID) > maxIDLen:
		return fmt.Errorf("scheduler: job id must have 1 to %d bytes", maxIDLen)
	case j.Kind == "":
		return fmt.Errorf("scheduler: job %s has no kind", j.ID)
	case j.Owner == "" || len(j.Owner) > maxIDLen:
		return fmt.Errorf("scheduler: job %s needs an owner of 1 to %d bytes", j.ID, maxIDLen)
	case j.Due.IsZero():
		return fmt.Errorf("scheduler: job %s has no due time", j.ID)
	case hasControl(j.ID) || hasControl(j.Kind) || hasControl(j.Owner):
		return fmt.Errorf("scheduler: job %q: ids may not hold control characters", j.ID)
	}
	for k, v := range j.Args {
		if hasControl(k) || hasControl(v) {
			return fmt.Errorf("scheduler: job %s: args may not hold control characters", j.ID)
		}
	}
	return nil
}

// Jobs are stored in a compact text form rather than JSON, because the
// queue holds one per waiting job and every byte counts times thousands:
// fields are separated by the ASCII unit separator (0x1F), which validate
// keeps out of every id, and times are unix ms in base 36.
//
//	kind US owner US due US event US flags [US arg-key US arg-value]...
//
// The owner is the second field, where the Lua scripts look for it. flags is
// "u" for urgent followed by the attempt count, both left out when zero.
const sep = "\x1f"

func encodeJob(j Job) string {
	var b strings.Builder
	b.Grow(64)
	b.WriteString(j.Kind)
	b.WriteString(sep)
	b.WriteString(j.Owner)
	b.WriteString(sep)
	b.WriteString(strconv.FormatInt(unixMs(j.Due), 36))
	b.WriteString(sep)
	if !j.Event.IsZero() {
		b.WriteString(strconv.FormatInt(unixMs(j.Event), 36))
	}
	b.WriteString(sep)
	if j.Urgent {
		b.WriteString("u")
	}
	if j.Attempt > 0 {
		b.WriteString(strconv.Itoa(j.Attempt))
	}
	for _, k := range slices.Sorted(maps.Keys(j.Args)) {
		b.WriteString(sep)
		b.WriteString(k)
		b.WriteString(sep)
		b.WriteString(j.Args[k])
	}
	return b.String()
}

func decodeJob(id, body string) (Job, error) {
	f := strings.Split(body, sep)
	if len(f) < 5 || len(f)%2 == 0 {
		return Job{}, fmt.Errorf("scheduler: job %s has a malformed body", id)
	}
	j := Job{ID: id, Kind: f[0], Owner: f[1]}
	due, err := strconv.ParseInt(f[2], 36, 64)
	if err != nil {
		return Job{}, fmt.Errorf("scheduler: job %s has a malformed due time: %w", id, err)
	}
	j.Due = fromUnixMs(due)
	if f[3] != "" {
		event, err := strconv.ParseInt(f[3], 36, 64)
		if err != nil {
			return Job{}, fmt.Errorf("scheduler: job %s has a malformed event time: %w", id, err)
		}
		j.Event = fromUnixMs(event)
	}
	flags, urgent := strings.CutPrefix(f[4], "u")
	j.Urgent = urgent
	if flags != "" {
		if j.Attempt, err = strconv.Atoi(flags); err != nil {
			return Job{}, fmt.Errorf("scheduler: job %s has malformed flags: %w", id, err)
		}
	}
	for i := 5; i < len(f); i += 2 {
		if j.Args == nil {
			j.Args = make(map[string]string, (len(f)-5)/2)
		}
		j.Args[f[i]] = f[i+1]
	}
	return j, nil
}

// ownerOf reads the owner of an encoded job ("" for none), as the Lua
// function of the same name does.
func ownerOf(body string) string {
	f := strings.SplitN(body, sep, 3)
	if len(f) < 3 {
		return ""
	}
	return f[1]
}

// hasControl reports whether s holds a control character, which ids and
// args may not (the storage format uses one as separator).
func hasControl(s string) bool {
	return strings.ContainsFunc(s, func(r rune) bool { return r < 0x20 || r == 0x7f })
}

// unixMs is t in unix milliseconds, 0 for the zero time.
func unixMs(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.UnixMilli()
}

// waitScore is the score of a job waiting to run at t in its owner key: t
// in unix ms, but at least 1, because 0 marks a running job (a time before
// 1970 is simply due).
func waitScore(t time.Time) int64 {
	return max(t.UnixMilli(), 1)
}

// fromUnixMs is the inverse of unixMs.
func fromUnixMs(ms int64) time.Time {
	if ms == 0 {
		return time.Time{}
	}
	return time.UnixMilli(ms)
}
