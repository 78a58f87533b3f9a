package e2e

// Appointments: a mother, or her social worker, makes one; reminders come;
// staff know who confirmed. These tests talk to Nido as the people do.
