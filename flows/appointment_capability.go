package flows

import "time"

// Appointments is the appointment capability: mothers' appointments with
// social services, the paediatrician, schools and employers, their
// reminders and one-tap answers, and the staff's morning digest. offsets
// are how long before an appointment its reminders come
// (NIDO_REMINDER_OFFSETS); DefaultReminderOffsets when empty.
func Appointments(offsets []time.Duration) Maker {
	return func(e *Engine) Capability {
		e.cfg.ReminderOffsets = offsets
		return Capability{
			Name:   "appointment",
			Routes: appointmentRoutes(),
			Jobs: map[string]JobFunc{
				jobReminder: e.remind,
				jobNoAnswer: e.noAnswer,
				jobAfter:    e.askAfter,
				jobDigest:   e.digest,
			},
			Menu:         apptMenu,
			MyData:       e.apptData,
			Erase:        e.eraseAppointments,
			ForgetAuthor: e.forgetApptAuthor,
		}
	}
}

// apptMenu is what the main menu offers each role.
func apptMenu(role string) []MenuItem {
	switch role {
	case RoleStaff:
		return []MenuItem{{"appointment.menu_staff", "/appointments"}}
	case RoleMother:
		return []MenuItem{{"appointment.menu_mine", "/appointments"}, {"appointment.menu_new", "/appointment"}}
	}
	return nil
}
