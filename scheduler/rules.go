package scheduler

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"
)

// Rule is a recurring job: a weekly visit, a daily check-in. Its occurrences
// are planned ahead into the queue as one-off jobs with ids
// "<rule id>@<local wall time, 20060102T1504>", so they are cancelled,
// listed and erased like any job.
//
// Times are local wall times in Config.Location: "0 10 * * 4" is 10:00 on
// the clock on every Thursday, summer or winter. Each wall time runs once:
// a wall time in the hour repeated when DST ends (02:30 on the last Sunday of
// October) runs at its first instant only, and one in the hour skipped when
// DST starts (02:30 on the last Sunday of March) runs once, at the instant
// the clock shows 03:30.
type Rule struct {
	// ID names the rule; adding a rule with an existing ID replaces it. It
	// may not contain "@".
	ID string
	// Spec is a standard 5-field cron spec: minute hour day-of-month month day-of-week.
	Spec string
	// Kind, Owner, Args and Urgent are copied to every occurrence's job.
	Kind   string
	Owner  string
	Args   map[string]string
	Urgent bool
	// EventAfter, when positive, sets each job's Event to the occurrence plus
	// EventAfter: a rule at 18:00 reminding of a visit at 10:00 the next day
	// has EventAfter 16h. It is a duration, so across a DST change the event
	// is an hour off its wall time; it only decides staleness and quiet hours.
	EventAfter time.Duration
	// End, when set, is the last moment an occurrence may fall on.
	End time.Time
}

// ruleRecord is a rule as stored: its definition, and how far it has been
// planned as the wall time (read as UTC) and instant of the last occurrence
// put in the queue.
type ruleRecord struct {
	Spec       string            `json:"spec"`
	Kind       string            `json:"kind"`
	Owner      string            `json:"owner"`
	Args       map[string]string `json:"args,omitempty"`
	Urgent     bool              `json:"urgent,omitempty"`
	EventAfter time.Duration     `json:"event_after,omitempty"`
	End        int64             `json:"end,omitempty"`
	Wall       int64             `json:"wall"`
	Last       int64             `json:"last"`
}

func (r ruleRecord) sameDefinition(o ruleRecord) bool {
	return r.Spec == o.Spec && r.Kind == o.Kind && r.Owner == o.Owner && maps.Equal(r.Args, o.Args) &&
		r.Urgent == o.Urgent && r.EventAfter == o.EventAfter && r.End == o.End
}

func (r ruleRecord) rule(id string, loc *time.Location) Rule {
	out := Rule{ID: id, Spec: r.Spec, Kind: r.Kind, Owner: r.Owner, Args: r.Args, Urgent: r.Urgent, EventAfter: r.EventAfter}
	if r.End != 0 {
		out.End = time.UnixMilli(r.End).In(loc)
	}
	return out
}

func decodeRule(id, s string) (ruleRecord, error) {
	var r ruleRecord
	if err := json.Unmarshal([]byte(s), &r); err != nil {
		return r, fmt.Errorf("scheduler: rule %s has a malformed record: %w", id, err)
	}
	return r, nil
}

func (r ruleRecord) encode() string {
	b, err := json.Marshal(r)
	if err != nil {
		panic(fmt.Sprintf("scheduler: encode rule: %v", err)) // plain fields always marshal
	}
	return string(b)
}

// AddRule stores a recurring rule and plans its first occurrences at once.
// Adding the same rule again changes nothing; adding a changed rule under
// the same ID drops the occurrences planned from the old one.
func (s *Scheduler) AddRule(ctx context.Context, r Rule) error {
	if err := s.validateRule(r); err != nil {
		return err
	}
	for range 5 {
		cur, old, err := s.readRule(ctx, r.ID)
		if err != nil {
			return err
		}
		if cur != "" && old.Owner != r.Owner {
			return fmt.Errorf("add rule %s: %w", r.ID, ErrOwnerChanged)
		}
		now := s.clock.Now()
		rec := ruleRecord{Spec: r.Spec, Kind: r.Kind, Owner: r.Owner, Args: r.Args, Urgent: r.Urgent,
			EventAfter: r.EventAfter, End: unixMs(r.End), Wall: toWall(now, s.loc).UnixMilli(), Last: now.UnixMilli()}
		if cur != "" && old.sameDefinition(rec) {
			return nil
		}
		enc := rec.encode()
		ok, err := s.setRule(ctx, r.ID, r.Owner, cur, enc, now)
		if err != nil {
			return fmt.Errorf("add rule %s: %w", r.ID, err)
		}
		if !ok {
			continue // changed by another process meanwhile: read it again
		}
		if err := s.planRule(ctx, r.ID, enc, now); err != nil {
			return fmt.Errorf("plan rule %s: %w", r.ID, err)
		}
		s.signal()
		return nil
	}
	return fmt.Errorf("add rule %s: it keeps changing", r.ID)
}

// RemoveRule deletes a rule and the occurrences it has planned. Removing an
// unknown rule is not an error.
func (s *Scheduler) RemoveRule(ctx context.Context, id string) error {
	for range 5 {
		cur, old, err := s.readRule(ctx, id)
		if err != nil || cur == "" {
			return err
		}
		ok, err := s.setRule(ctx, id, old.Owner, cur, "", s.clock.Now())
		if err != nil {
			return fmt.Errorf("remove rule %s: %w", id, err)
		}
		if ok {
			return nil
		}
	}
	return fmt.Errorf("remove rule %s: it keeps changing", id)
}

// Rules returns the recurring rules of one owner, for "show my data".
func (s *Scheduler) Rules(ctx context.Context, owner string) ([]Rule, error) {
	ids, err := s.rdb.SMembers(ctx, s.keys.ownerRules(owner)).Result()
	if err != nil || len(ids) == 0 {
		return nil, err
	}
	recs, err := s.rdb.HMGet(ctx, s.keys.rules(), ids...).Result()
	if err != nil {
		return nil, fmt.Errorf("list rules of an owner: %w", err)
	}
	var out []Rule
	for i, v := range recs {
		if str, ok := v.(string); ok {
			r, err := decodeRule(ids[i], str)
			if err != nil {
				return nil, err
			}
			out = append(out, r.rule(ids[i], s.loc))
		}
	}
	return out, nil
}

func (s *Scheduler) validateRule(r Rule) error {
	switch {
	case r.ID == "" || len(r.ID) > maxIDLen-20 || strings.Contains(r.ID, "@"):
		return fmt.Errorf("scheduler: rule id must have 1 to %d bytes and no @", maxIDLen-20)
	case r.Kind == "" || r.Owner == "" || len(r.Owner) > maxIDLen:
		return fmt.Errorf("scheduler: rule %s needs a kind and an owner", r.ID)
	case strings.Contains(r.Spec, "TZ="):
		return fmt.Errorf("scheduler: rule %s: the spec may not set a time zone; Config.Location applies", r.ID)
	case r.EventAfter < 0:
		return fmt.Errorf("scheduler: rule %s: EventAfter is negative", r.ID)
	case !r.End.IsZero() && !r.End.After(s.clock.Now()):
		return fmt.Errorf("scheduler: rule %s ends in the past", r.ID)
	}
	if _, err := s.parser.Parse(r.Spec); err != nil {
		return fmt.Errorf("scheduler: rule %s: spec %q: %w", r.ID, r.Spec, err)
	}
	return nil
}

// readRule returns a rule's stored record ("" if none) and its decoding.
func (s *Scheduler) readRule(ctx context.Context, id string) (string, ruleRecord, error) {
	cur, err := s.rdb.HGet(ctx, s.keys.rules(), id).Result()
	if errors.Is(err, redis.Nil) {
		return "", ruleRecord{}, nil
	}
	if err != nil {
		return "", ruleRecord{}, fmt.Errorf("read rule %s: %w", id, err)
	}
	rec, err := decodeRule(id, cur)
	return cur, rec, err
}

// setRule runs setRuleScript; it reports false when the record changed since cur was read.
func (s *Scheduler) setRule(ctx context.Context, id, owner, cur, rec string, now time.Time) (bool, error) {
	k := s.keys
	n, err := setRuleScript.Run(ctx, s.rdb, []string{
		k.rules(), k.ruleNext(), k.ownerRules(owner), k.owner(owner), k.jobs(), k.next(), k.inflight(), k.leases(),
	}, id, cur, rec, now.UnixMilli(), owner).Int()
	return n == 1, err
}
