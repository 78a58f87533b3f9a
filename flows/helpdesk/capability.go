// Package helpdesk lets a mother (or a solidarity family) write to the
// social workers who follow her, and them answer her, in her chat with
// Nido: a short thread, like a helpdesk ticket, that a staff member marks
// done.
//
//	write.go    her side: words that answer no question, /write, her answers
//	answer.go   the staff's side: answer, done, the whole thread, /messages
//	deliver.go  the jobs that carry each message, durably, and what they say
//	privacy.go  /mydata, erasure, forgetting a staff member who left, the digest
//	store.go    the threads and their store; keys.go their Redis keys
//
// Every message goes through the scheduler as a job due at once, as a
// reminder does: a message written is delivered even when Telegram or
// Redis fails half-way, or Nido restarts, and a repeat does not deliver it
// twice. Quiet hours do not hold what she or her social worker wrote; they
// hold the note that a thread was closed. What reaches staff is her first
// name, her role and what she wrote, nothing else. Staff see and answer
// the threads of their own organisation only.
package helpdesk

import (
	"nido/flows"
	"nido/scheduler"
)

// capability is the helpdesk, on the engine it serves.
type capability struct {
	*flows.Engine
	k keys
}

// New is the helpdesk capability.
func New() flows.Maker {
	return func(core *flows.Engine) flows.Capability {
		e := &capability{Engine: core, k: keys{prefix: core.Prefix()}}
		return flows.Capability{
			Name:   "helpdesk",
			Routes: e.routes(),
			Jobs: map[string]flows.JobFunc{
				jobForward: e.forwardJob,
				jobAnswer:  e.answerJob,
				jobClosed:  e.closedJob,
				jobSweep:   e.sweepJob,
			},
			Rules:        []scheduler.Rule{{ID: "helpdesk-sweep", Spec: "17 * * * *", Kind: jobSweep, Owner: "network", Urgent: true}},
			Menu:         menu,
			MyData:       e.myData,
			Erase:        e.erase,
			ForgetAuthor: e.forgetAuthor,
			Digest:       e.digest,
			Words:        e.words,
		}
	}
}

func (e *capability) store() store { return store{rdb: e.Redis(), k: e.k, loc: e.Location()} }

// writers are the roles that write to their social worker.
func writers() []string { return []string{flows.RoleMother, flows.RoleFamily} }

// menu is what the main menu offers each role.
func menu(role string) []flows.MenuItem {
	switch role {
	case flows.RoleMother, flows.RoleFamily:
		return []flows.MenuItem{{Label: "helpdesk.menu", Command: "/write"}}
	case flows.RoleStaff:
		return []flows.MenuItem{{Label: "helpdesk.menu_staff", Command: "/messages"}}
	}
	return nil
}

// routes are every way into the capability, file by file.
func (e *capability) routes() []flows.Route {
	staff := []string{flows.RoleStaff}
	return []flows.Route{
		// write.go
		{Command: "/write", Roles: writers(), Run: e.startWriting},
		{Step: stepMore, Roles: writers(), Run: e.more},
		{Verb: verbSend, Roles: writers(), Run: e.sendDraft},
		{Verb: verbKeep, Roles: writers(), Run: e.dropDraft},
		{Step: stepWrite, Roles: writers(), Run: e.written},
		{Verb: verbAnswerBack, Roles: writers(), Run: e.answerBack},
		// answer.go
		{Command: "/messages", Roles: staff, Run: e.list},
		{Verb: verbList, Roles: staff, Run: e.list},
		{Verb: verbReply, Roles: staff, Run: e.startReply},
		{Step: stepReply, Roles: staff, Run: e.replyTyped},
		{Verb: verbDone, Roles: staff, Run: e.markDone},
		{Verb: verbHistory, Roles: staff, Run: e.history},
	}
}

// The button verbs, each before its arguments in a button's data.
const (
	verbSend       = "hs" // hs:<draft>: send what she wrote
	verbKeep       = "hn" // hn:<draft>: do not send it
	verbAnswerBack = "hw" // hw:<thread>: she answers her social worker
	verbList       = "hl" // the threads not done
	verbReply      = "hr" // hr:<thread>: staff answer
	verbDone       = "hd" // hd:<thread>: staff mark it done
	verbHistory    = "hh" // hh:<thread>: the whole thread
)

// The typed steps.
const (
	stepMore  = "helpdesk.more"  // what she types while asked whether to send
	stepWrite = "helpdesk.write" // what she types after /write or Answer
	stepReply = "helpdesk.reply" // a staff member's answer
)

// The job kinds.
const (
	jobForward = "helpdesk.forward" // her message, to her staff
	jobAnswer  = "helpdesk.answer"  // a staff answer, to her
	jobClosed  = "helpdesk.closed"  // her thread was marked done
	jobSweep   = "helpdesk.sweep"   // messages stored and not yet scheduled
)
