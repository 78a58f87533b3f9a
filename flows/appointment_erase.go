package flows

import (
	"context"
	"strconv"
	"time"
)

// A mother's erasure and her appointments. Her own chat is answered one
// input at a time, but her staff act in theirs: staff can be writing an
// appointment for her while she erases her data. So her erasure first marks
// her as being erased, then removes her jobs and appointments; and whoever
// writes an appointment or its jobs looks at her afterwards and takes back
// what it wrote if she is gone or marked. Either the writer sees the mark,
// or the mark came later and the erasure that follows removes what was
// written: nothing is left behind in either order.

// erasingField is the field of the person's hash holding when her erasure
// began, in unix seconds. It goes with the hash at the end of the erasure.
const erasingField = "erasing"

// erasureWindow is how long the mark counts: an erasure that failed half-way
// must not keep her appointments away once she is using Nido again.
const erasureWindow = 10 * time.Minute

// eraseAppointments removes a person's appointments and every job the
// scheduler holds for them; it is one of Erase's erasers.
func (e *Engine) eraseAppointments(ctx context.Context, p Person) error {
	if p.Role == RoleMother {
		at := strconv.FormatInt(e.now().Unix(), 10)
		if err := e.people.SetField(ctx, p.ID, erasingField, at); err != nil {
			return err
		}
	}
	if e.cfg.Scheduler != nil {
		if _, err := e.cfg.Scheduler.CancelOwner(ctx, id64(p.ID)); err != nil {
			return err
		}
	}
	if p.Role != RoleMother {
		return nil
	}
	return e.appts().eraseMother(ctx, p)
}

// motherErased reports whether a mother is gone or being erased.
func (e *Engine) motherErased(ctx context.Context, id int64) (bool, error) {
	v, err := e.cfg.Redis.HMGet(ctx, e.k.person(id), "role", erasingField).Result()
	if err != nil {
		return false, wrap("check mother", err)
	}
	if v[0] == nil {
		return true, nil
	}
	mark, _ := v[1].(string)
	began := unixTime(mark)
	return !began.IsZero() && e.now().Sub(began) < erasureWindow, nil
}

// undoIfErased takes back a and its jobs, just written, when its mother was
// erased meanwhile, and reports whether it did. Call it after every write
// about a that could have started before her erasure.
func (e *Engine) undoIfErased(ctx context.Context, a Appointment) (bool, error) {
	gone, err := e.motherErased(ctx, a.Mother)
	if err != nil || !gone {
		return false, err
	}
	if err := e.dropAppointmentJobs(ctx, a, nil); err != nil {
		return true, err
	}
	e.log.Info("appointment taken back: its mother was erased", "appointment", a.ID)
	return true, e.appts().remove(ctx, a)
}
