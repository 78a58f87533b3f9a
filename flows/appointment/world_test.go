package appointment

import (
	"testing"

	"nido/flows/flowstest"
)

// world is a flowstest World with the appointment capability, and that
// capability's own parts: Casa Aurora, the staff member Anna and the
// mother Fatima, on Monday 23 November 2026 at 09:00 in Rome.
type world struct {
	*flowstest.World
	c *capability
}

func newApptWorld(t *testing.T) *world {
	t.Helper()
	w := &world{World: flowstest.New(t, New(nil))}
	w.c = &capability{Engine: w.E, k: keys{prefix: flowstest.Prefix}, offsets: DefaultReminderOffsets()}
	return w
}

// apptIDs lists the ids in the mother's index.
func (w *world) apptIDs() []string {
	w.T.Helper()
	ids, err := w.Redis.ZRange(w.Ctx, w.c.k.motherAppts(w.Mother.ID), 0, -1).Result()
	if err != nil {
		w.T.Fatal(err)
	}
	return ids
}

// appt loads appointment id, which must exist.
func (w *world) appt(id string) Appointment {
	w.T.Helper()
	a, ok, err := w.c.appts().get(w.Ctx, id)
	if err != nil || !ok {
		w.T.Fatalf("appointment %s: found %v, err %v", id, ok, err)
	}
	return a
}

// jobs lists the ids of the mother's waiting jobs.
func (w *world) jobs() []string { return w.Jobs(id64(w.Mother.ID)) }
