package group

import (
	"context"
	"slices"
	"strconv"
	"strings"
	"time"

	"nido/flows"

	"github.com/redis/go-redis/v9"
)

// Stopping a recurring meeting (see series.go), and the store of recurring
// meetings.

// Stopping a recurring meeting.

// seriesAskStop is verbAskStop + ":<group>": its recurring meetings to
// choose from (straight to the question when there is one); or
// verbAskStop + ":<group>:<series>": are you sure?
func (e *capability) seriesAskStop(s *flows.Session, arg string) error {
	id, sid, _ := strings.Cut(arg, ":")
	g, ok, err := e.staffGroup(s, id)
	if err != nil || !ok {
		return flows.OrInvalid(s, err)
	}
	all, err := e.groupStore().seriesOf(s.Ctx(), g.ID)
	if err != nil {
		return err
	}
	active := activeSeries(all, s.Now())
	if sid == "" && len(active) == 1 {
		sid = active[0].ID
	}
	if sid == "" {
		if len(active) == 0 {
			return s.Reply(flows.T{ID: "group.series_none"})
		}
		var rows [][]flows.Button
		for _, sr := range active[:min(len(active), flows.MaxButtons)] {
			rows = append(rows, []flows.Button{{Label: seriesLine(sr, e.Location())[0], Data: verbAskStop + ":" + g.ID + ":" + sr.ID}})
		}
		return s.Send(flows.Message{Lines: []flows.T{{ID: "group.ask_stop"}}, Buttons: rows})
	}
	for _, sr := range active {
		if sr.ID == sid {
			return s.Edit(flows.Confirm(append([]flows.T{{ID: "group.stop_confirm"}}, seriesLine(sr, e.Location())...),
				"group.stop_yes", verbStop+":"+sr.ID, "group.cancel_no", verbPage+":"+g.ID))
		}
	}
	return s.Reply(flows.T{ID: "common.button_invalid"})
}

// seriesStop is verbStop + ":<series>": no more meetings are planned, those
// already planned ahead are cancelled, and the mothers are told once. A
// repeat goes on to the end and tells nobody twice.
func (e *capability) seriesStop(s *flows.Session, sid string) error {
	st := e.groupStore()
	sr, ok, err := st.series(s.Ctx(), sid)
	if err != nil || !ok || sr.Org != s.Person().OrgID {
		return flows.OrInvalid(s, err)
	}
	g, ok, err := e.staffGroup(s, sr.Group)
	if err != nil || !ok {
		return flows.OrInvalid(s, err)
	}
	if err := st.stopSeries(s.Ctx(), sr, s.Now()); err != nil {
		return err
	}
	if err := e.Scheduler().RemoveRule(s.Ctx(), seriesRuleID(sr.ID)); err != nil {
		return err
	}
	ms, err := st.planned(s.Ctx(), g.ID, s.Now())
	if err != nil {
		return err
	}
	for _, m := range ms {
		if m.Series != sr.ID {
			continue
		}
		if _, err := st.cancelMeeting(s.Ctx(), m); err != nil {
			return err
		}
		if err := e.dropMeetingJobs(s.Ctx(), m); err != nil {
			return err
		}
		m.Status = meetingCancelled
		if err := e.stripMeeting(s.Ctx(), g, m); err != nil {
			return err
		}
	}
	e.Log().Info("recurring meeting stopped", "user_id", s.Person().ID, "group", g.ID, "series", sr.ID)
	if err := e.tellGroup(s.Ctx(), g, "series:"+sr.ID+":stopped", func(flows.Person) (flows.Message, bool) {
		return flows.Message{Lines: []flows.T{{ID: "group.series_stopped_for_you", Data: map[string]any{"Group": g.Name}}}}, true
	}); err != nil {
		return err
	}
	return e.groupPage(s, g, flows.T{ID: "group.series_stopped"})
}

// The store of recurring meetings.

// saveSeries stores sr and lists it in its group; storing it again rewrites it.
func (st groups) saveSeries(ctx context.Context, sr Series, now time.Time) error {
	_, err := st.rdb.TxPipelined(ctx, func(p redis.Pipeliner) error {
		p.HSet(ctx, st.k.series(sr.ID), "group", sr.Group, "org", sr.Org, "weekday", int(sr.Weekday), "clock", sr.Clock,
			"every", sr.Every, "anchor", sr.Anchor, "until", sr.Until, "place", sr.Place, "by", sr.By, "created", sr.Created.Unix())
		if last, ok := flows.ParseDay(sr.Until, st.loc); ok {
			p.PExpire(ctx, st.k.series(sr.ID), flows.KeepUntil(now, last.Add(meetingRetention)))
		}
		p.SAdd(ctx, st.k.groupSeries(sr.Group), sr.ID)
		return nil
	})
	return flows.Wrap("save recurring meeting "+sr.ID, err)
}

// series loads a recurring meeting; found is false for an unknown one.
func (st groups) series(ctx context.Context, id string) (Series, bool, error) {
	if !isID(id) {
		return Series{}, false, nil
	}
	h, err := st.rdb.HGetAll(ctx, st.k.series(id)).Result()
	if err != nil {
		return Series{}, false, flows.Wrap("load recurring meeting "+id, err)
	}
	sr, ok := seriesFrom(id, h)
	return sr, ok, nil
}

func seriesFrom(id string, h map[string]string) (Series, bool) {
	if h["group"] == "" {
		return Series{}, false
	}
	sr := Series{ID: id, Group: h["group"], Org: h["org"], Clock: h["clock"], Anchor: h["anchor"], Until: h["until"],
		Place: h["place"], Created: flows.UnixTime(h["created"]), Stopped: h["stopped"] == "1"}
	wd, _ := strconv.Atoi(h["weekday"])
	sr.Weekday = time.Weekday(wd)
	sr.Every, _ = strconv.Atoi(h["every"])
	sr.By, _ = strconv.ParseInt(h["by"], 10, 64)
	return sr, true
}

// seriesOf lists a group's recurring meetings, stopped ones included,
// oldest first.
func (st groups) seriesOf(ctx context.Context, groupID string) ([]Series, error) {
	ids, err := st.rdb.SMembers(ctx, st.k.groupSeries(groupID)).Result()
	if err != nil {
		return nil, flows.Wrap("list recurring meetings", err)
	}
	cmds := make([]*redis.MapStringStringCmd, len(ids))
	_, err = st.rdb.Pipelined(ctx, func(p redis.Pipeliner) error {
		for i, id := range ids {
			cmds[i] = p.HGetAll(ctx, st.k.series(id))
		}
		return nil
	})
	if err != nil {
		return nil, flows.Wrap("load recurring meetings", err)
	}
	var out []Series
	for i, id := range ids {
		if sr, ok := seriesFrom(id, cmds[i].Val()); ok {
			out = append(out, sr)
		}
	}
	// The set has no order: the oldest first.
	slices.SortFunc(out, func(a, b Series) int { return a.Created.Compare(b.Created) })
	return out, nil
}

// stopSeries marks sr stopped; it is forgotten meetingRetention later.
func (st groups) stopSeries(ctx context.Context, sr Series, now time.Time) error {
	_, err := st.rdb.TxPipelined(ctx, func(p redis.Pipeliner) error {
		p.HSet(ctx, st.k.series(sr.ID), "stopped", "1")
		p.PExpire(ctx, st.k.series(sr.ID), flows.KeepUntil(now, now.Add(meetingRetention)))
		return nil
	})
	return flows.Wrap("stop recurring meeting "+sr.ID, err)
}
