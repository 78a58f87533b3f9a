// Package appointment is the appointment capability: a mother's
// appointments with the services that help her, so that she never misses
// one and her social workers know how it went. This file holds the record
// and its store; the flows are, in the order a mother meets them:
//
//	capability.go  what the capability gives the engine (New)
//	new.go         creating one: buttons, typed dates, the /appointment shortcut
//	draft.go       what was answered so far, kept in the conversation
//	steps.go       the questions of that conversation: mother, kind, title, place, note
//	daytime.go     the day and the time, also asked to move one (the core's when_question.go)
//	warn.go        before saving: something else at the same time, or a holiday
//	parse.go       the pure parts: the shortcut, kinds in typed text
//	card.go        how an appointment reads, and who is told about it
//	jobs.go        reminders, the no-answer check and "did you go?", run by the scheduler
//	answer.go      the buttons on a reminder and on a card: be there, change, cancel
//	result.go      what those buttons answer, at the bottom of the chat
//	list.go        /appointments for mothers and staff
//	digest.go      the staff's morning digest
//	ics.go         the .ics calendar file
//	erase.go       a mother's erasure, also while her staff are writing for her
//	keys.go        its Redis keys
package appointment

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"nido/flows"

	"github.com/redis/go-redis/v9"
)

// Appointment is one appointment of a mother.
type Appointment struct {
	ID     string
	Mother int64
	// Org is the mother's organisation when it was made: its staff follow it.
	Org string
	// By is who made it: the mother herself or a staff member.
	By   int64
	Kind string
	// Title is what it is in her words ("Questura") when Kind is "other":
	// its name wherever it is shown. Appointments saved before titles
	// existed keep that name in Note.
	Title string
	// At is when it is, in the network's time zone.
	At    time.Time
	Place string
	Note  string
	// Cancelled is set when the mother or her staff cancelled it.
	Cancelled bool
	// CancelledBy is who cancelled it, so that only they can finish a
	// cancellation cut short by an error.
	CancelledBy int64
	// Answer is the mother's answer to the reminders: "", answerYes or answerChange.
	Answer string
	// Reminded is when the last reminder was sent; zero before the first.
	Reminded time.Time
	// Told is set once staff learnt that she did not answer.
	Told bool
	// Outcome is her answer to "did you go?": "", outcomeWent, outcomeMissed or outcomeMoved.
	Outcome string
	// Seq counts the moves; it versions job ids and the .ics SEQUENCE.
	Seq     int
	Created time.Time
}

// Answers to a reminder and to "did you go?".
const (
	answerYes     = "yes"
	answerChange  = "change"
	outcomeWent   = "went"
	outcomeMissed = "missed"
	outcomeMoved  = "moved"
)

// apptRetention is how long an appointment is kept after its time, so that
// staff see how the last months went; then Redis forgets it.
const apptRetention = 180 * 24 * time.Hour

// apptKinds lists the kinds of appointment, in the order the buttons show them.
func apptKinds() []string {
	return []string{"social", "paediatrician", "consultorio", "school", "jobcentre",
		"interview", "house", "lawyer", "court", "other"}
}

func isApptKind(k string) bool {
	for _, x := range apptKinds() {
		if x == k {
			return true
		}
	}
	return false
}

// appointments stores appointments in Redis.
type appointments struct {
	rdb redis.UniversalClient
	k   keys
	loc *time.Location
	// ahead, when the store answers an input, is what its session read
	// ahead (the press's appointment, apptPreload): get takes it instead of
	// a round trip of its own, and every write here drops it, so that no
	// flow reads back an appointment it has just changed. nil for jobs.
	ahead readAhead
}

// readAhead is the part of a session that keeps the hashes read with the
// person and the conversation (flows.Session).
type readAhead interface {
	TakePreloaded(key string) (map[string]string, bool)
	ForgetPreloaded(key string)
}

// wrote drops what was read ahead at key, now changed.
func (st appointments) wrote(key string) {
	if st.ahead != nil {
		st.ahead.ForgetPreloaded(key)
	}
}

// newID reserves an appointment id. The flows keep it in the conversation
// before anything is written, so that a repeated creation rewrites the same
// appointment instead of making a second one.
func (st appointments) newID(ctx context.Context) (string, error) {
	n, err := st.rdb.Incr(ctx, st.k.apptSeq()).Result()
	if err != nil {
		return "", fmt.Errorf("appointment id: %w", err)
	}
	return strconv.FormatInt(n, 10), nil
}

// create stores a with its indexes, under a new id when it has none.
// Storing the same appointment again rewrites it.
func (st appointments) create(ctx context.Context, a Appointment) (Appointment, error) {
	if a.ID == "" {
		id, err := st.newID(ctx)
		if err != nil {
			return a, err
		}
		a.ID = id
	}
	old := strconv.FormatInt(a.Created.Add(-apptRetention).Unix(), 10)
	st.wrote(st.k.appt(a.ID))
	// One round trip, not a transaction: the keys may live on different
	// Cluster slots, and an index entry without its hash is skipped by list.
	_, err := st.rdb.Pipelined(ctx, func(p redis.Pipeliner) error {
		p.HSet(ctx, st.k.appt(a.ID), st.fields(a))
		p.Expire(ctx, st.k.appt(a.ID), flows.KeepUntil(a.Created, a.At.Add(apptRetention)))
		for _, idx := range []string{st.k.motherAppts(a.Mother), st.k.orgAppts(a.Org)} {
			p.ZAdd(ctx, idx, redis.Z{Score: float64(a.At.Unix()), Member: a.ID})
			p.ZRemRangeByScore(ctx, idx, "-inf", "("+old)
		}
		return nil
	})
	if err != nil {
		return a, fmt.Errorf("save appointment: %w", err)
	}
	return a, nil
}

// remove deletes an appointment and its index entries.
func (st appointments) remove(ctx context.Context, a Appointment) error {
	st.wrote(st.k.appt(a.ID))
	_, err := st.rdb.Pipelined(ctx, func(p redis.Pipeliner) error {
		p.Del(ctx, st.k.appt(a.ID))
		p.ZRem(ctx, st.k.motherAppts(a.Mother), a.ID)
		p.ZRem(ctx, st.k.orgAppts(a.Org), a.ID)
		return nil
	})
	return flows.Wrap("remove appointment "+a.ID, err)
}

// fields is how an appointment is written in its hash.
func (st appointments) fields(a Appointment) map[string]any {
	return map[string]any{
		"mother": a.Mother, "org": a.Org, "by": a.By, "kind": a.Kind, "title": a.Title, "at": a.At.Unix(),
		"place": a.Place, "note": a.Note, "cancelled": flag(a.Cancelled), "answer": a.Answer,
		"reminded": unixOrZero(a.Reminded), "told": flag(a.Told), "outcome": a.Outcome,
		"seq": a.Seq, "created": a.Created.Unix(),
	}
}

// get loads an appointment; found is false for an unknown, expired or erased one.
func (st appointments) get(ctx context.Context, id string) (Appointment, bool, error) {
	if id == "" || len(id) > 20 {
		return Appointment{}, false, nil
	}
	if st.ahead != nil {
		if h, ok := st.ahead.TakePreloaded(st.k.appt(id)); ok {
			a, ok := st.fromHash(id, h)
			return a, ok, nil
		}
	}
	h, err := st.rdb.HGetAll(ctx, st.k.appt(id)).Result()
	if err != nil {
		return Appointment{}, false, fmt.Errorf("load appointment %s: %w", id, err)
	}
	a, ok := st.fromHash(id, h)
	return a, ok, nil
}

// apptPreload is the press route's Preload (flows.Route): the appointment
// hash its button's "<action>:<id>:<version>" names, that apptAction reads
// first. An id that is not one Nido gives (digits, as get takes them)
// names nothing.
func (k keys) apptPreload(arg string) []string {
	_, ref, _ := strings.Cut(arg, ":")
	id, _, _ := strings.Cut(ref, ":")
	if id == "" || len(id) > 20 || strings.Trim(id, "0123456789") != "" {
		return nil
	}
	return []string{k.appt(id)}
}

// fromHash reads an appointment from its hash; ok is false for an empty one.
func (st appointments) fromHash(id string, h map[string]string) (Appointment, bool) {
	if len(h) == 0 {
		return Appointment{}, false
	}
	a := Appointment{
		ID: id, Org: h["org"], Kind: h["kind"], Title: h["title"], Place: h["place"], Note: h["note"],
		Cancelled: h["cancelled"] == "1", Answer: h["answer"], Told: h["told"] == "1", Outcome: h["outcome"],
		At: flows.UnixTime(h["at"]).In(st.loc), Reminded: flows.UnixTime(h["reminded"]), Created: flows.UnixTime(h["created"]),
	}
	a.Mother, _ = strconv.ParseInt(h["mother"], 10, 64)
	a.By, _ = strconv.ParseInt(h["by"], 10, 64)
	a.CancelledBy, _ = strconv.ParseInt(h["cancelled_by"], 10, 64)
	a.Seq, _ = strconv.Atoi(h["seq"])
	return a, true
}

// setScript writes fields of one version of an appointment.
// KEYS[1] appointment hash; ARGV[1] the version (seq) the caller read;
// ARGV[2..] field, value pairs. Returns 1 if written, 0 if the appointment
// is gone, was moved to another version, or was cancelled.
var setScript = redis.NewScript(`local cur = redis.call('HMGET', KEYS[1], 'seq', 'cancelled')
if not cur[1] or cur[1] ~= ARGV[1] or cur[2] == '1' then return 0 end
redis.call('HSET', KEYS[1], unpack(ARGV, 2))
return 1`)

// set changes fields of a, if it still is the version a holds and is not
// cancelled: an answer given for the old time must not land on the new one,
// a cancelled appointment must not come back, and one erased meanwhile must
// not come back as a ghost. ok is false when nothing was written.
func (st appointments) set(ctx context.Context, a Appointment, fv ...any) (bool, error) {
	st.wrote(st.k.appt(a.ID))
	n, err := setScript.Run(ctx, st.rdb, []string{st.k.appt(a.ID)}, append([]any{a.Seq}, fv...)...).Int()
	if err != nil {
		return false, fmt.Errorf("update appointment %s: %w", a.ID, err)
	}
	return n == 1, nil
}

// move puts a at a new time, as a new version with no answers yet; ok is
// false when a was moved, cancelled or erased since it was read.
func (st appointments) move(ctx context.Context, a Appointment, at, now time.Time) (Appointment, bool, error) {
	ok, err := st.set(ctx, a, "at", at.Unix(), "seq", a.Seq+1, "answer", "", "reminded", 0,
		"told", 0, "outcome", "")
	if err != nil || !ok {
		return a, ok, err
	}
	a.At, a.Seq = at, a.Seq+1
	a.Answer, a.Reminded, a.Told, a.Outcome = "", time.Time{}, false, ""
	return a, true, st.relist(ctx, a, now)
}

// relist makes the lists and the expiry of a follow its time. It is the
// second half of a move, harmless to repeat: a move that failed here is
// finished by its repeat, which finds a already at its new time.
func (st appointments) relist(ctx context.Context, a Appointment, now time.Time) error {
	st.wrote(st.k.appt(a.ID))
	_, err := st.rdb.Pipelined(ctx, func(p redis.Pipeliner) error {
		p.Expire(ctx, st.k.appt(a.ID), flows.KeepUntil(now, a.At.Add(apptRetention)))
		// XX: an index erased meanwhile is not brought back.
		for _, idx := range []string{st.k.motherAppts(a.Mother), st.k.orgAppts(a.Org)} {
			p.ZAddXX(ctx, idx, redis.Z{Score: float64(a.At.Unix()), Member: a.ID})
		}
		return nil
	})
	return flows.Wrap("move appointment", err)
}

// ofMother lists a mother's appointments between from and to, soonest first.
func (st appointments) ofMother(ctx context.Context, mother int64, from, to time.Time) ([]Appointment, error) {
	return st.list(ctx, st.k.motherAppts(mother), from, to)
}

// ofOrg lists the appointments of an organisation's mothers between from and to.
func (st appointments) ofOrg(ctx context.Context, org string, from, to time.Time) ([]Appointment, error) {
	return st.list(ctx, st.k.orgAppts(org), from, to)
}

// list loads the appointments in idx between from and to in two round
// trips, whatever their number.
func (st appointments) list(ctx context.Context, idx string, from, to time.Time) ([]Appointment, error) {
	ids, hashes, err := flows.HashesInWindow(ctx, st.rdb, idx, from, to, st.k.appt)
	if err != nil {
		return nil, err
	}
	out := make([]Appointment, 0, len(ids))
	for i, id := range ids {
		if a, ok := st.fromHash(id, hashes[i]); ok {
			out = append(out, a)
		}
	}
	return out, nil
}

// eraseMother removes every appointment of a mother and its index entries.
func (st appointments) eraseMother(ctx context.Context, mother flows.Person) error {
	ids, err := st.rdb.ZRange(ctx, st.k.motherAppts(mother.ID), 0, -1).Result()
	if err != nil {
		return fmt.Errorf("list appointments to erase: %w", err)
	}
	_, err = st.rdb.Pipelined(ctx, func(p redis.Pipeliner) error {
		for _, id := range ids {
			st.wrote(st.k.appt(id))
			p.Del(ctx, st.k.appt(id))
			if mother.OrgID != "" {
				p.ZRem(ctx, st.k.orgAppts(mother.OrgID), id)
			}
		}
		p.Del(ctx, st.k.motherAppts(mother.ID))
		return nil
	})
	return flows.Wrap("erase appointments", err)
}

func flag(b bool) int {
	if b {
		return 1
	}
	return 0
}

func unixOrZero(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.Unix()
}
