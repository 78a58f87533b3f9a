// Package interview is the job-interview capability: a mother's interview,
// made by her or by her staff, brings her the right tip at the right moment
// (what to bring and what she may be asked, then the route, clothes and
// childcare, then a checklist and a word of encouragement), and afterwards
// "How did it go?", whose answer reaches her staff.
//
//	new.go      /interview: the day, the time, the kind of job, where, childcare; or one line
//	card.go     an interview's card: change the time, cancel; it is in her list of appointments too
//	jobs.go     the tips and the follow-up, at their moments; her answers
//	tips.go     the tips' content, by kind of job; /tips reads them any time
//	staff.go    staff's list, the month's counts, the digest
//	privacy.go  /mydata, erasure, and forgetting a staff member who left
//	store.go    the records and their store; keys.go their Redis keys
package interview

import (
	"time"

	"nido/flows"
)

// Config is when the tips and the follow-up come.
type Config struct {
	// Tips are how long before the interview each tip comes
	// (NIDO_INTERVIEW_TIPS), in any order: the earliest says what to bring,
	// the last is the checklist, those between the route and the clothes.
	Tips []time.Duration
	// FollowUp is how long after its start she is asked how it went (NIDO_INTERVIEW_FOLLOWUP).
	FollowUp time.Duration
}

// DefaultConfig is tips 72h, 24h and 2h before, and the follow-up 3h after.
func DefaultConfig() Config {
	return Config{Tips: []time.Duration{72 * time.Hour, 24 * time.Hour, 2 * time.Hour}, FollowUp: 3 * time.Hour}
}

// capability is job interviews, on the engine they serve.
type capability struct {
	*flows.Engine
	k   keys
	cfg Config
}

// New is the job-interview capability; zero values in cfg take DefaultConfig's.
func New(cfg Config) flows.Maker {
	def := DefaultConfig()
	if len(cfg.Tips) == 0 {
		cfg.Tips = def.Tips
	}
	if cfg.FollowUp <= 0 {
		cfg.FollowUp = def.FollowUp
	}
	return func(core *flows.Engine) flows.Capability {
		e := &capability{Engine: core, k: keys{prefix: core.Prefix()}, cfg: cfg}
		return flows.Capability{
			Name:   "interview",
			Routes: e.routes(),
			Jobs: map[string]flows.JobFunc{
				jobTip:      e.sendTip,
				jobFollowUp: e.askFollowUp,
			},
			Menu:         menu,
			MyData:       e.interviewData,
			Erase:        e.erase,
			Digest:       e.digest,
			Month:        e.monthLines,
			Agenda:       e.agenda,
			ForgetAuthor: e.forgetAuthor,
		}
	}
}

// menu is what the main menu offers each role.
func menu(role string) []flows.MenuItem {
	switch role {
	case flows.RoleMother:
		return []flows.MenuItem{{Label: "interview.menu_mother", Command: "/interview"}, {Label: "interview.menu_tips", Command: "/tips"}}
	case flows.RoleStaff:
		return []flows.MenuItem{{Label: "interview.menu_staff", Command: "/interview"}}
	}
	return nil
}

func (e *capability) routes() []flows.Route {
	both := []string{flows.RoleMother, flows.RoleStaff}
	mother := []string{flows.RoleMother}
	return append(e.whenQ().Routes(both), []flows.Route{
		// new.go
		{Command: "/interview", Roles: both, Run: e.start},
		{Verb: verbNew, Roles: both, Run: e.newButton},
		{Verb: verbJob, Roles: both, Run: e.jobChosen},
		{Step: stepWhere, Roles: both, Run: e.whereTyped},
		{Verb: verbWhereSkip, Roles: both, Run: e.whereSkip},
		{Verb: verbChildcare, Roles: both, Run: e.childcareChosen},
		// card.go
		{Verb: verbCard, Roles: both, Run: e.cardButton},
		{Verb: verbAct, Roles: both, Run: e.act},
		// jobs.go
		{Verb: verbStillNeed, Roles: mother, Run: e.stillNeedChildcare},
		{Verb: verbOutcome, Roles: mother, Run: e.outcome},
		// tips.go
		{Command: "/tips", Roles: both, Run: e.tipsMenu},
		{Verb: verbTips, Roles: both, Run: e.tipsOf},
	}...)
}

// The button verbs, before their arguments in a button's data.
const (
	verbNew       = "in"  // a new interview; staff: in:<mother>
	verbDay       = "ivd" // its day
	verbTime      = "ivt" // its time
	verbJob       = "ivj" // the kind of job
	verbWhereSkip = "ivw" // no company or place
	verbChildcare = "ivc" // childcare needed: ivc:y, ivc:n
	verbCard      = "io"  // an interview's card
	verbAct       = "ia"  // ia:<interview>:<version>:<act>, change or cancel
	verbStillNeed = "ik"  // "I still need someone for my child"
	verbOutcome   = "if"  // if:<interview>:<version>:<outcome>
	verbTips      = "tp"  // tp:<job>: the tips of a kind of job
)

// The typed steps.
const (
	stepDay   = "interview.day"
	stepTime  = "interview.time"
	stepWhere = "interview.where"
)

// jobs are the kinds of job, as buttons offer them.
var jobs = []string{"cleaning", "care", "catering", "retail", "office", "other"}

func isJob(s string) bool {
	for _, j := range jobs {
		if j == s {
			return true
		}
	}
	return false
}
