// Package broadcast is the staff broadcasts capability: a social worker
// announces a workshop, an open day or news to the mothers and families
// she follows, who answer "I'll come" or "I can't" when there is a date.
//
//	compose.go  /broadcast: audience, text, event, when; a preview; send, change or cancel
//	message.go  the message as a recipient sees it, and the sender's report
//	deliver.go  delivery: resumable, once per recipient, behind what people wait for
//	rsvp.go     a recipient's answer, the reminder the day before, the calendar file
//	list.go     /broadcasts: the last ones with their figures; cancelling a scheduled one
//	privacy.go  /mydata, erasure, and forgetting a sender who left
//	store.go    the records and their store; keys.go their Redis keys
//
// Staff reach their own organisation only, and a group only if it is of
// their organisation; administrators may reach the whole network or
// chosen organisations. Mothers and families cannot broadcast. A button
// names a broadcast by id and is checked against the one pressing it: only
// a recipient may answer one.
package broadcast

import (
	"context"
	"math"

	"nido/flows"
)

// Groups is what a broadcast needs of the mutual-aid groups, in plain
// values so that no capability imports another (main gives
// group.Directory).
type Groups interface {
	// GroupsOf lists an organisation's groups, their ids and names.
	GroupsOf(ctx context.Context, org string) (ids, names []string, err error)
	// GroupInfo is a group's organisation and name; ok is false when there is none.
	GroupInfo(ctx context.Context, id string) (org, name string, ok bool, err error)
	// GroupMothers lists the ids of the mothers in a group.
	GroupMothers(ctx context.Context, id string) ([]int64, error)
}

// Config is what the broadcasts need from main.
type Config struct {
	// SendRate is NIDO_SEND_RATE, messages a second: it sets the estimate
	// of the time to deliver and how many copies go at once.
	SendRate float64
	// Groups reads the mutual-aid groups.
	Groups Groups
}

// capability is the broadcasts, on the engine they serve.
type capability struct {
	*flows.Engine
	k   keys
	cfg Config
}

// New is the broadcasts capability.
func New(cfg Config) flows.Maker {
	if cfg.SendRate <= 0 || math.IsNaN(cfg.SendRate) {
		cfg.SendRate = 30
	}
	return func(core *flows.Engine) flows.Capability {
		e := &capability{Engine: core, k: keys{prefix: core.Prefix()}, cfg: cfg}
		return flows.Capability{
			Name:   "broadcast",
			Routes: e.routes(),
			Jobs: map[string]flows.JobFunc{
				jobDeliver: e.deliverJob,
				jobRemind:  e.remindJob,
				jobReport:  e.reportJob,
			},
			Menu:         menu,
			MyData:       e.myData,
			Erase:        e.erase,
			ForgetAuthor: e.forgetAuthor,
		}
	}
}

func (e *capability) store() store { return store{rdb: e.Redis(), k: e.k, loc: e.Location()} }

// menu is what the main menu offers each role.
func menu(role string) []flows.MenuItem {
	switch role {
	case flows.RoleStaff, flows.RoleAdmin:
		return []flows.MenuItem{{Label: "broadcast.menu", Command: "/broadcast"}, {Label: "broadcast.menu_list", Command: "/broadcasts"}}
	}
	return nil
}

// routes are every way into the capability, file by file.
func (e *capability) routes() []flows.Route {
	senders := []string{flows.RoleStaff, flows.RoleAdmin}
	everyone := []string{flows.RoleStaff, flows.RoleAdmin, flows.RoleMother, flows.RoleFamily}
	return append(e.whenQ().Routes(senders), []flows.Route{
		// compose.go
		{Command: "/broadcast", Roles: senders, Run: e.start},
		{Verb: verbScope, Roles: []string{flows.RoleAdmin}, Run: e.scopeChosen},
		{Verb: verbWho, Roles: senders, Run: e.whoChosen},
		{Step: stepText, Roles: senders, Run: e.textTyped},
		{Verb: verbEvent, Roles: senders, Run: e.eventChosen},
		{Step: stepPlace, Roles: senders, Run: e.placeTyped},
		{Verb: verbNoPlace, Roles: senders, Run: e.placeSkipped},
		{Verb: verbWhen, Roles: senders, Run: e.whenChosen},
		{Verb: verbPreview, Roles: senders, Run: e.previewAction},
		{Verb: verbChange, Roles: senders, Run: e.changeChosen},
		{Verb: verbTry, Roles: senders, Run: e.previewButton},
		// rsvp.go
		{Verb: verbAnswer, Roles: everyone, Run: e.answer},
		// list.go
		{Command: "/broadcasts", Roles: senders, Run: e.list},
		{Verb: verbList, Roles: senders, Run: e.list},
		{Verb: verbCancelAsk, Roles: senders, Run: e.cancelAsk},
		{Verb: verbCancel, Roles: senders, Run: e.cancelScheduled},
	}...)
}

// The button verbs, each before its arguments in a button's data.
const (
	verbScope     = "bs"  // administrators: bs:n (the network), bs:o (choose), bs:o:<org> (toggle), bs:d (done)
	verbWho       = "bw"  // bw:m, bw:f, bw:e, bw:g (the groups), bw:g:<group>
	verbEvent     = "be"  // be:y (add a date), be:n (none)
	verbDay       = "bd"  // the core's day question
	verbTime      = "bt"  // the core's time question
	verbNoPlace   = "bp"  // no place
	verbWhen      = "bn"  // bn:now, bn:later
	verbPreview   = "bx"  // bx:send, bx:change, bx:cancel
	verbChange    = "bc"  // bc:who, bc:text, bc:event, bc:when
	verbTry       = "bk0" // an answer button of the preview
	verbAnswer    = "bk"  // bk:<broadcast>:yes|no
	verbList      = "bl"  // the last broadcasts
	verbCancelAsk = "bz"  // bz:<broadcast>: cancel it?
	verbCancel    = "bzy" // bzy:<broadcast>: cancel it, confirmed
)

// The typed steps.
const (
	stepText  = "broadcast.text"
	stepDay   = "broadcast.day"
	stepTime  = "broadcast.time"
	stepPlace = "broadcast.place"
)

// The job kinds.
const (
	jobDeliver = "broadcast.deliver"
	jobRemind  = "broadcast.remind"
	jobReport  = "broadcast.report"
)
