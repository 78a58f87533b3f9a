package appointment

import (
	"context"

	"nido/flows"
)

// eraseAppointments removes a mother's appointments; the core has cancelled
// her jobs already. It is the appointment capability's Erase.
func (e *capability) eraseAppointments(ctx context.Context, p flows.Person) error {
	if p.Role != flows.RoleMother {
		return nil
	}
	return e.appts().eraseMother(ctx, p)
}

// forgetApptAuthor forgets an erased staff member or administrator as the
// author or canceller of org's appointments.
func (e *capability) forgetApptAuthor(ctx context.Context, org string, author int64) error {
	ids, err := e.Redis().ZRange(ctx, e.k.orgAppts(org), 0, -1).Result()
	if err != nil {
		return flows.Wrap("list appointments to forget their author", err)
	}
	var refs []flows.Ref
	for _, a := range ids {
		refs = append(refs, flows.Ref{Key: e.k.appt(a), Field: "by"}, flows.Ref{Key: e.k.appt(a), Field: "cancelled_by"})
	}
	return e.ForgetAuthor(ctx, author, refs)
}

// undoIfErased takes back a and its jobs, just written, when its mother was
// erased meanwhile, and reports whether it did. Call it after every write
// about a that could have started before her erasure.
func (e *capability) undoIfErased(ctx context.Context, a Appointment) (bool, error) {
	gone, err := e.BeingErased(ctx, a.Mother)
	if err != nil || !gone {
		return false, err
	}
	if err := e.dropAppointmentJobs(ctx, a, nil); err != nil {
		return true, err
	}
	e.Log().Info("appointment taken back: its mother was erased", "appointment", a.ID)
	return true, e.appts().remove(ctx, a)
}
