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

func id64(n int64) string { return strconv.FormatInt(n, 10) }
