package flows

import "strconv"

// keys names every Redis key the flows own. All live under the configured
// prefix; nothing else in Nido writes them.
type keys struct{ prefix string }

// person is a HASH of one person's record (role, org, lang, name, consent
// time..., and "erasing" while an erasure runs), kept until the person erases it.
func (k keys) person(userID int64) string { return k.prefix + ":person:" + id64(userID) }

// orgSeq is a STRING counter giving organisation ids.
func (k keys) orgSeq() string { return k.prefix + ":org:seq" }

// orgs is a ZSET of organisation ids by creation unix seconds.
func (k keys) orgs() string { return k.prefix + ":orgs" }

// org is a HASH of one organisation (name, created).
func (k keys) org(orgID string) string { return k.prefix + ":org:" + orgID }

// members is a ZSET of user ids of one role in one organisation, by joining unix seconds.
func (k keys) members(orgID, role string) string {
	return k.prefix + ":org:" + orgID + ":members:" + role
}

// invite is a HASH of one pending invite (role, org, by, label); it expires with the invite.
func (k keys) invite(code string) string { return k.prefix + ":invite:" + code }

// invitesBy is a SET of the invite codes one person created, so that their
// erasure removes the invites too; it expires with the last of them.
func (k keys) invitesBy(userID int64) string { return k.prefix + ":invites-by:" + id64(userID) }

// inviteFails is a STRING counter of wrong invite codes one user typed; it expires after an hour.
func (k keys) inviteFails(userID int64) string { return k.prefix + ":invite-fails:" + id64(userID) }

// conv is a STRING (JSON) holding the conversation a chat is in; it expires when abandoned.
func (k keys) conv(chatID int64) string { return k.prefix + ":conv:" + id64(chatID) }

// appt is a HASH of one appointment (mother, org, by, kind, at, place, note,
// status, answer, reminded, told, outcome, seq, created); it expires
// apptRetention after the appointment's time, or goes when the mother erases her data.
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

// groupSeq is a STRING counter giving mutual-aid group ids; it is kept for ever.
func (k keys) groupSeq() string { return k.prefix + ":group:seq" }

// group is a HASH of one mutual-aid group (org, name, by, created), kept
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
// created, and "ans:<user id>" for each member's answer); it expires
// meetingRetention after the meeting's time.
func (k keys) meeting(id string) string { return k.prefix + ":meeting:" + id }

// groupMeetings is a ZSET of a group's meeting ids by unix seconds of their
// time; members older than meetingRetention are pruned on each write.
func (k keys) groupMeetings(groupID string) string {
	return k.prefix + ":group:" + groupID + ":meetings"
}

func id64(n int64) string { return strconv.FormatInt(n, 10) }
