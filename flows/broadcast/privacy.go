package broadcast

import (
	"context"
	"slices"

	"nido/flows"
)

// What /mydata shows and /delete erases. A recipient sees the broadcasts
// she answered and her answers; a sender, the broadcasts they sent. Her
// erasure takes her out of every broadcast kept (her outcome, her answer
// and its count, her place in the list of recipients); her reminders go
// with her jobs. A sender's erasure leaves their broadcasts to their
// organisation, by "someone who left".

func (e *capability) myData(ctx context.Context, p flows.Person) ([]flows.T, error) {
	var lines []flows.T
	ids, err := e.Redis().SMembers(ctx, e.k.personAnswers(p.ID)).Result()
	if err != nil {
		return nil, flows.Wrap("broadcasts answered", err)
	}
	slices.Sort(ids)
	for _, id := range ids {
		b, ok, err := e.store().get(ctx, id)
		if err != nil {
			return nil, err
		}
		ans, err := e.store().answerOf(ctx, id, p.ID)
		if err != nil {
			return nil, err
		}
		if !ok || ans == "" {
			continue
		}
		if len(lines) == 0 {
			lines = append(lines, flows.T{ID: "broadcast.mydata_answered"})
		}
		lines = append(lines, flows.T{ID: "broadcast.mydata_answer", Data: map[string]any{
			"When": b.Event, "Text": excerpt(b.Text), "Answer": flows.T{ID: "broadcast.answer_" + ans}}})
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
	ids, err := e.Redis().ZRange(ctx, e.k.allIndex(), 0, -1).Result()
	if err != nil {
		return flows.Wrap("list broadcasts", err)
	}
	answered, err := e.Redis().SMembers(ctx, e.k.personAnswers(p.ID)).Result()
	if err != nil {
		return flows.Wrap("broadcasts answered", err)
	}
	for _, id := range append(ids, answered...) {
		if err := e.store().forget(ctx, id, p.ID); err != nil {
			return err
		}
	}
	return flows.Wrap("erase broadcast answers", e.Redis().Del(ctx, e.k.personAnswers(p.ID)).Err())
}

// forgetAuthor turns a sender who left into "someone who left" on every
// broadcast kept: their report is no longer edited.
func (e *capability) forgetAuthor(ctx context.Context, _ string, author int64) error {
	ids, err := e.Redis().ZRange(ctx, e.k.allIndex(), 0, -1).Result()
	if err != nil {
		return flows.Wrap("list broadcasts", err)
	}
	const forget = `if redis.call('HGET', KEYS[1], 'by') == ARGV[1] then
redis.call('HSET', KEYS[1], 'by', '0', 'report', '0') end return 1`
	for _, id := range ids {
		if err := e.Redis().Eval(ctx, forget, []string{e.k.record(id)}, author).Err(); err != nil {
			return flows.Wrap("forget broadcast sender", err)
		}
	}
	return nil
}
