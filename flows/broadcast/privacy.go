package broadcast

import (
	"context"
	"errors"
	"strconv"

	"github.com/redis/go-redis/v9"

	"nido/flows"
)

// What /mydata shows and /delete erases. A recipient sees the broadcasts
// she was sent and her answers; a sender, the broadcasts they sent. Her
// erasure takes her out of every broadcast kept (her outcome, her answer
// and its count, her place in the list of recipients); her reminders go
// with her jobs. A sender's erasure leaves their broadcasts to their
// organisation, by "someone who left".

func (e *capability) myData(ctx context.Context, p flows.Person) ([]flows.T, error) {
	var lines []flows.T
	received, err := e.received(ctx, p)
	if err != nil {
		return nil, err
	}
	if len(received) > 0 {
		lines = append(lines, flows.T{ID: "broadcast.mydata_received", Count: len(received),
			Data: map[string]any{"Count": len(received)}})
	}
	for _, b := range received {
		ans, err := e.store().answerOf(ctx, b.ID, p.ID)
		if err != nil {
			return nil, err
		}
		// The event's time when there is one: that is what she answered.
		when := b.SendAt
		if !b.Event.IsZero() {
			when = b.Event
		}
		item := flows.T{ID: "broadcast.mydata_sent_item", Data: map[string]any{"When": when, "Text": excerpt(b.Text)}}
		if ans != "" {
			item = flows.T{ID: "broadcast.mydata_answer", Data: map[string]any{
				"When": when, "Text": excerpt(b.Text), "Answer": flows.T{ID: "broadcast.answer_" + ans}}}
		}
		lines = append(lines, item)
	}
	if p.Role != flows.RoleStaff && p.Role != flows.RoleAdmin {
		return lines, nil
	}
	sent, err := e.sentBy(ctx, p)
	if err != nil {
		return nil, err
	}
	if len(sent) > 0 {
		lines = append(lines, flows.T{ID: "broadcast.mydata_sent", Count: len(sent), Data: map[string]any{"Count": len(sent)}})
		for _, b := range sent {
			lines = append(lines, flows.T{ID: "broadcast.mydata_sent_item", Data: map[string]any{
				"When": b.SendAt, "Text": excerpt(b.Text)}})
		}
	}
	return lines, nil
}

// received lists the broadcasts kept whose recipients include p, oldest
// first: the list of recipients is the one record naming her.
func (e *capability) received(ctx context.Context, p flows.Person) ([]Broadcast, error) {
	ids, err := e.store().ids(ctx, e.k.allIndex(), e.Now())
	if err != nil || len(ids) == 0 {
		return nil, err
	}
	me := strconv.FormatInt(p.ID, 10)
	found := make([]*redis.IntCmd, len(ids))
	_, err = e.Redis().Pipelined(ctx, func(pipe redis.Pipeliner) error {
		for i, id := range ids {
			found[i] = pipe.LPos(ctx, e.k.recipients(id), me, redis.LPosArgs{})
		}
		return nil
	})
	if err != nil && !errors.Is(err, redis.Nil) {
		return nil, flows.Wrap("broadcasts received", err)
	}
	var out []Broadcast
	for i, id := range ids {
		switch err := found[i].Err(); {
		case errors.Is(err, redis.Nil):
			continue // not among its recipients
		case err != nil:
			return nil, flows.Wrap("broadcasts received", err)
		}
		b, ok, err := e.store().get(ctx, id)
		if err != nil {
			return nil, err
		}
		if ok {
			out = append(out, b)
		}
	}
	return out, nil
}

// sentBy lists the broadcasts kept that p sent, newest first.
func (e *capability) sentBy(ctx context.Context, p flows.Person) ([]Broadcast, error) {
	index := e.k.allIndex()
	if p.Role == flows.RoleStaff {
		index = e.k.orgIndex(p.OrgID)
	}
	all, err := e.store().list(ctx, index, 1000)
	if err != nil {
		return nil, err
	}
	var out []Broadcast
	for _, b := range all {
		if b.By == p.ID {
			out = append(out, b)
		}
	}
	return out, nil
}

func (e *capability) erase(ctx context.Context, p flows.Person) error {
	ids, err := e.store().ids(ctx, e.k.allIndex(), e.Now())
	if err != nil {
		return err
	}
	answered, err := e.Redis().SMembers(ctx, e.k.personAnswers(p.ID)).Result()
	if err != nil {
		return flows.Wrap("broadcasts answered", err)
	}
	if err := e.store().forget(ctx, append(ids, answered...), p.ID); err != nil {
		return err
	}
	return flows.Wrap("erase broadcast answers", e.Redis().Del(ctx, e.k.personAnswers(p.ID)).Err())
}

// forgetAuthor turns a sender who left into "someone who left" on every
// broadcast kept: their report is no longer edited.
func (e *capability) forgetAuthor(ctx context.Context, _ string, author int64) error {
	ids, err := e.store().ids(ctx, e.k.allIndex(), e.Now())
	if err != nil {
		return err
	}
	const forget = `if redis.call('HGET', KEYS[1], 'by') == ARGV[1] then
redis.call('HSET', KEYS[1], 'by', '0', 'report', '0') end return 1`
	_, err = e.Redis().Pipelined(ctx, func(p redis.Pipeliner) error {
		for _, id := range ids {
			p.Eval(ctx, forget, []string{e.k.record(id)}, author)
		}
		return nil
	})
	return flows.Wrap("forget broadcast sender", err)
}
