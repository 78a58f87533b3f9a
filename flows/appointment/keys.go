package appointment

import "strconv"

// keys names every Redis key of appointments, all under Nido's prefix;
// nothing else writes them.
type keys struct{ prefix string }

// appt is a HASH of one appointment (mother, org, by, kind, title, at, place,
// note, cancelled, cancelled_by, answer, reminded, told, outcome, seq,
// created); it expires apptRetention after the appointment's time, or goes
// when the mother erases her data.
func (k keys) appt(id string) string { return k.prefix + ":appt:" + id }

// apptSeq is a STRING counter giving appointment ids; it is kept for ever.
func (k keys) apptSeq() string { return k.prefix + ":appt:seq" }

// motherAppts is a ZSET of one mother's appointment ids by unix seconds of
// their time; members older than apptRetention are pruned on each write, and
// the key goes when she erases her data.
func (k keys) motherAppts(userID int64) string { return k.prefix + ":appts:mother:" + id64(userID) }

// orgAppts is a ZSET of the appointment ids of an organisation's mothers by
// unix seconds of their time, for staff lists and the digest; members older
// than apptRetention are pruned on each write, and a mother's go when she
// erases her data.
func (k keys) orgAppts(orgID string) string { return k.prefix + ":appts:org:" + orgID }

func id64(n int64) string { return strconv.FormatInt(n, 10) }
