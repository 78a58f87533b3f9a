// Package family is the solidarity-family capability: volunteer families
// paired with a mother visit her, confirm each visit beforehand and say
// afterwards how it went, so that staff learn early when something is wrong.
//
//	pair.go     staff pair a family with a mother of their organisation, and end a pairing
//	visit.go    staff or the family plan a visit (once, weekly, every two weeks) or move one
//	answer.go   a visit's card and its buttons: confirm, change the time, cannot come, cancel
//	checkin.go  after the visit: how did it go?, a note or a voice message, concerns handled
//	view.go     /visit for each role: staff's pairings, the family's mothers, the mother's visits
//	jobs.go     the scheduler's jobs: the confirmation asked, a reminder, staff alerted, the check-in
//	series.go   recurring visits: a cron rule whose occurrences plan each visit ahead
//	digest.go   its part of the staff's morning digest
//	privacy.go  /mydata, erasure, and forgetting a staff member who left
//	store.go    the records and their store; keys.go their Redis keys
//
// A family sees only the mothers paired with it, by first name, and nothing
// of their appointments or groups; a mother sees her family's first name
// and her visits, never a check-in; staff see their own organisation's
// pairings only. Every button names a pairing or a visit by id and is
// checked against the one pressing it.
package family

import (
	"strings"
	"time"

	"nido/flows"
)

// Config is when the nudges around a visit come.
type Config struct {
	// ConfirmBefore is how long before a visit the family is asked to
	// confirm it (NIDO_VISIT_CONFIRM_BEFORE); a visit planned closer asks at once.
	ConfirmBefore time.Duration
	// AlertBefore is how long before a visit still unconfirmed the mother's
	// staff are alerted (NIDO_VISIT_ALERT_BEFORE); the family is reminded
	// once halfway between the question and this.
	AlertBefore time.Duration
	// CheckinAfter is how long after a visit's start the family is asked
	// how it went (NIDO_CHECKIN_AFTER).
	CheckinAfter time.Duration
}

// DefaultConfig is 24h, 2h and 3h.
func DefaultConfig() Config {
	return Config{ConfirmBefore: 24 * time.Hour, AlertBefore: 2 * time.Hour, CheckinAfter: 3 * time.Hour}
}

// capability is the solidarity families, on the engine they serve.
type capability struct {
	*flows.Engine
	k   keys
	cfg Config
}

// New is the solidarity-family capability. Zero durations in cfg take
// DefaultConfig's.
func New(cfg Config) flows.Maker {
	def := DefaultConfig()
	if cfg.ConfirmBefore <= 0 {
		cfg.ConfirmBefore = def.ConfirmBefore
	}
	if cfg.AlertBefore <= 0 {
		cfg.AlertBefore = def.AlertBefore
	}
	if cfg.CheckinAfter <= 0 {
		cfg.CheckinAfter = def.CheckinAfter
	}
	return func(core *flows.Engine) flows.Capability {
		e := &capability{Engine: core, k: keys{prefix: core.Prefix()}, cfg: cfg}
		return flows.Capability{
			Name:   "family",
			Routes: e.routes(),
			Jobs: map[string]flows.JobFunc{
				jobConfirm: e.askConfirm,
				jobNudge:   e.nudge,
				jobAlert:   e.alertUnconfirmed,
				jobCheckin: e.askCheckin,
				jobSeries:  e.planOccurrence,
				jobNews:    e.tellNews,
				jobStaff:   e.tellStaffJob,
			},
			Menu:         menu,
			MyData:       e.familyData,
			Erase:        e.erase,
			Digest:       e.digest,
			Agenda:       e.agenda,
			Month:        e.month,
			ForgetAuthor: e.forgetAuthor,
		}
	}
}

// menu is what the main menu offers each role.
func menu(role string) []flows.MenuItem {
	switch role {
	case flows.RoleStaff:
		return []flows.MenuItem{{Label: "family.menu_staff", Command: "/visit"}, {Label: "family.menu_pair", Command: "/pair"}}
	case flows.RoleFamily:
		return []flows.MenuItem{{Label: "family.menu_family", Command: "/visit"}}
	case flows.RoleMother:
		return []flows.MenuItem{{Label: "family.menu_mother", Command: "/visit"}}
	}
	return nil
}

// routes are every way into the capability, file by file; the day and
// time of a visit are the core's question (visit.go's whenQ).
func (e *capability) routes() []flows.Route {
	staff := []string{flows.RoleStaff}
	visitors := []string{flows.RoleStaff, flows.RoleFamily}
	family := []string{flows.RoleFamily}
	return append(e.whenQ().Routes(visitors), []flows.Route{
		// pair.go
		{Command: "/pair", Roles: staff, Run: e.pairStart},
		{Verb: verbPair, Roles: staff, Run: e.pairPick},
		{Step: stepOffer, Roles: staff, Run: e.pairOfferTyped},
		{Verb: verbPairSkip, Roles: staff, Run: e.pairOfferSkip},
		{Verb: verbPairYes, Roles: staff, Run: e.pairSave},
		{Verb: verbPairNo, Roles: staff, Run: e.pairDrop},
		{Verb: verbEndAsk, Roles: staff, Run: e.endAsk},
		{Verb: verbEnd, Roles: staff, Run: e.endPairing},
		// view.go
		{Command: "/visit", Roles: []string{flows.RoleStaff, flows.RoleFamily, flows.RoleMother}, Run: e.visitHome},
		{Verb: verbPage, Roles: visitors, Run: e.pairPageButton},
		{Verb: verbUpcoming, Roles: visitors, Run: e.upcoming},
		// visit.go
		{Verb: verbPlan, Roles: visitors, Run: e.planStart},
		{Verb: verbHome, Roles: visitors, Run: e.placeHome},
		{Step: stepPlace, Roles: visitors, Run: e.placeTyped},
		{Verb: verbRepeat, Roles: visitors, Run: e.repeatChosen},
		// answer.go
		{Verb: verbCard, Roles: visitors, Run: e.cardButton},
		{Verb: verbAct, Roles: visitors, Run: e.act},
		// checkin.go
		{Verb: verbCheckin, Roles: family, Run: e.checkin},
		{Step: stepNote, Roles: family, Run: e.noteTyped},
		{Verb: verbNoteSkip, Roles: family, Run: e.noteSkip},
		{Command: "/concerns", Roles: staff, Run: e.concerns},
		{Verb: verbConcerns, Roles: staff, Run: e.concerns},
		{Verb: verbHandled, Roles: staff, Run: e.handled},
	}...)
}

// The button verbs, each before its arguments in a button's data; short,
// as Telegram gives a button 64 bytes and the signature takes its share.
const (
	verbPair     = "fp"  // pairing: fp (the families), fp:<family> (the mothers), fp:<family>:<mother>
	verbPairSkip = "fps" // no offer typed
	verbPairYes  = "fpy" // pair them, confirmed
	verbPairNo   = "fpn" // do not
	verbEndAsk   = "fea" // end a pairing?
	verbEnd      = "fen" // end it, confirmed
	verbPage     = "fg"  // a pairing's page
	verbUpcoming = "fu"  // a pairing's next visits, to change one
	verbPlan     = "fv"  // plan a visit for a pairing
	verbDay      = "fvd" // its day
	verbTime     = "fvt" // its time
	verbHome     = "fvh" // at her home
	verbRepeat   = "fvr" // once, weekly or every two weeks
	verbCard     = "fo"  // a visit's card
	verbAct      = "fa"  // an answer to a visit: confirm, change, cannot come, cancel
	verbCheckin  = "fk"  // how the visit went
	verbNoteSkip = "fks" // no note
	verbConcerns = "fq"  // open concerns
	verbHandled  = "fh"  // a concern handled
)

// The typed steps.
const (
	stepOffer = "family.offer"
	stepDay   = "family.day"
	stepTime  = "family.time"
	stepPlace = "family.place"
	stepNote  = "family.note"
)

// firstName is how a family and a mother know each other: the first word
// of the name staff gave them.
func firstName(name string) string {
	if f := strings.Fields(name); len(f) > 0 {
		return f[0]
	}
	return name
}
