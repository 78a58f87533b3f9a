package group

import "strconv"

// keys names every Redis key of the mutual-aid groups, all under Nido's
// prefix; nothing else writes them.
type keys struct{ prefix string }

// groupSeq is a STRING counter giving mutual-aid group ids; it is kept for ever.
func (k keys) groupSeq() string { return k.prefix + ":group:seq" }

// group is a HASH of one mutual-aid group (org, name, by, created,
// childcare "1" when offered), kept
// until its organisation's staff remove it.
func (k keys) group(id string) string { return k.prefix + ":group:" + id }

// orgGroups is a ZSET of an organisation's group ids by creation unix seconds.
func (k keys) orgGroups(orgID string) string { return k.prefix + ":groups:org:" + orgID }

// groupMembers is a ZSET of the user ids of a group's mothers by the unix
// seconds they were added; a mother goes when removed or when she erases her data.
func (k keys) groupMembers(groupID string) string { return k.prefix + ":group:" + groupID + ":members" }

// motherGroups is a SET of the group ids one mother is in, so that her
// erasure finds them; it goes with her data.
func (k keys) motherGroups(userID int64) string { return k.prefix + ":groups:mother:" + id64(userID) }

// meetingSeq is a STRING counter giving meeting ids; it is kept for ever.
func (k keys) meetingSeq() string { return k.prefix + ":meeting:seq" }

// meeting is a HASH of one group meeting (group, org, at, place, status, by,
// created, series and moves for an occurrence of a recurring meeting and a
// moved one, "ans:<user id>" for each member's answer, "kid:<user id>" for
// whether she brings her child, and "msg:<user id>" for
// the ids of her messages with its buttons, space-separated); it expires
// meetingRetention after the meeting's time.
func (k keys) meeting(id string) string { return k.prefix + ":meeting:" + id }

// groupMeetings is a ZSET of a group's meeting ids by unix seconds of their
// time; members older than meetingRetention are pruned on each write.
func (k keys) groupMeetings(groupID string) string {
	return k.prefix + ":group:" + groupID + ":meetings"
}

// series is a HASH of one recurring meeting (group, org, weekday, clock,
// every, anchor, until, place, by, created, stopped); it is kept until its
// group ends, or meetingRetention after it was stopped or its last day.
func (k keys) series(id string) string { return k.prefix + ":groupseries:" + id }

// groupSeries is a SET of the ids of a group's recurring meetings, kept
// until the group ends.
func (k keys) groupSeries(groupID string) string { return k.prefix + ":group:" + groupID + ":series" }

// attendMonth is a HASH of an organisation's group attendance in one month
// ("2026-11"): "m:<meeting>" = "<group> <unix time> <childcare 1|0> <group
// name>" for each meeting held, "p:<meeting>:<user id>" = 1 for each mother
// in its group then, "c:<meeting>:<user id>" = 1 for each mother who came,
// "k:<meeting>:<user id>" = 1 when her children came too. It outlives the
// meetings and their group (kept about 13 months after the month) for the
// monthly counts, a mother's /mydata and marking after the group ended; a
// mother's fields go when she erases her data.
func (k keys) attendMonth(org, month string) string { return k.prefix + ":attend:" + org + ":" + month }

// pollSeq is a STRING counter giving date poll ids; it is kept for ever.
func (k keys) pollSeq() string { return k.prefix + ":poll:seq" }

// poll is a HASH of one date poll (group, org, by, created, place, status,
// opts: its options as space-separated unix seconds, msg: the id of the
// message with the counts, msgto: the user id of the staff member in
// whose chat it is (who sent the poll, or last opened it from the group's
// page; 0 once erased), meeting: the id reserved for the
// meeting it becomes, chosen: the option chosen; "v:<user id>:<option>"
// for each member's mark on an option, y or n, and "m:<user id>" for the
// id of her message with its buttons). It expires pollRetention after its
// last option.
func (k keys) poll(id string) string { return k.prefix + ":poll:" + id }

// pollVersion is a STRING counter raised each time a poll's counts move,
// and pollBusy a STRING set while a job edits the facilitator's message
// (the core's live.go); the first expires with the poll, the second after
// a minute should that job die.
func (k keys) pollVersion(id string) string { return k.poll(id) + ":lver" }

// pollBusy: see pollVersion.
func (k keys) pollBusy(id string) string { return k.poll(id) + ":lbusy" }

// groupPolls is a ZSET of a group's poll ids by unix seconds of their last
// option; members older than pollRetention are pruned on each write.
func (k keys) groupPolls(groupID string) string { return k.prefix + ":group:" + groupID + ":polls" }

func id64(n int64) string { return strconv.FormatInt(n, 10) }
