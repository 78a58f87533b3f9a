package appointment

import (
	"time"

	"nido/flows"
)

// capability is appointments, on the engine they serve.
type capability struct {
	*flows.Engine
	k keys
	// offsets are how long before an appointment its reminders come.
	offsets []time.Duration
}

// New is the appointment capability: mothers' appointments with social
// services, the paediatrician, schools and employers, their reminders and
// one-tap answers, and the staff's morning digest. offsets are how long
// before an appointment its reminders come (NIDO_REMINDER_OFFSETS);
// DefaultReminderOffsets when empty.
func New(offsets []time.Duration) flows.Maker {
	return func(core *flows.Engine) flows.Capability {
		e := &capability{Engine: core, k: keys{prefix: core.Prefix()}, offsets: offsets}
		if len(e.offsets) == 0 {
			e.offsets = DefaultReminderOffsets()
		}
		return flows.Capability{
			Name:   "appointment",
			Routes: e.routes(),
			Jobs: map[string]flows.JobFunc{
				jobReminder: e.remind,
				jobNoAnswer: e.noAnswer,
				jobAfter:    e.askAfter,
			},
			Digest:       e.digest,
			Menu:         menu,
			MyData:       e.apptData,
			Erase:        e.eraseAppointments,
			ForgetAuthor: e.forgetApptAuthor,
		}
	}
}

// menu is what the main menu offers each role.
func menu(role string) []flows.MenuItem {
	switch role {
	case flows.RoleStaff:
		return []flows.MenuItem{{Label: "appointment.menu_staff", Command: "/appointments"}}
	case flows.RoleMother:
		return []flows.MenuItem{{Label: "appointment.menu_mine", Command: "/appointments"}, {Label: "appointment.menu_new", Command: "/appointment"}}
	}
	return nil
}
