package flows

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"
)

// An invite code is short enough to dictate over the phone and has no letters
// that are easy to confuse (0/O, 1/I/L).
const (
	codeAlphabet = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
	codeLength   = 8
	// inviteKeep is how long a used or expired invite is remembered, so the
	// person hears "already used" or "expired" instead of "unknown".
	inviteKeep = 30 * 24 * time.Hour
	// maxCodeTries is how many wrong codes one person may type in an hour.
	maxCodeTries = 5
)

// invite is a pending place in the network for one person.
type invite struct {
	Code    string
	Role    string
	OrgID   string
	By      int64
	Label   string
	Expires time.Time
}

// Outcomes of redeeming an invite.
const (
	inviteOK      = "ok"
	inviteUnknown = "unknown"
	inviteUsed    = "used"
	inviteExpired = "expired"
)

// createInvite stores a new single-use invite, made at now.
func (e *Engine) createInvite(ctx context.Context, inv invite, now time.Time) (invite, error) {
	code, err := newCode()
	if err != nil {
		return invite{}, err
	}
	inv.Code = code
	key, by := e.k.invite(code), e.k.invitesBy(inv.By)
	keep := KeepUntil(now, inv.Expires.Add(inviteKeep))
	_, err = e.cfg.Redis.TxPipelined(ctx, func(pipe redis.Pipeliner) error {
		pipe.HSet(ctx, key, map[string]any{
			"role": inv.Role, "org": inv.OrgID, "by": inv.By, "label": inv.Label,
			"expires": inv.Expires.Unix(), "used": "0",
		})
		pipe.Expire(ctx, key, keep)
		pipe.SAdd(ctx, by, code)
		pipe.Expire(ctx, by, keep)
		return nil
	})
	return inv, wrap("create invite", err)
}

// checkInvite looks an invite up without using it.
func (e *Engine) checkInvite(ctx context.Context, code string, now time.Time) (invite, string, error) {
	h, err := e.cfg.Redis.HGetAll(ctx, e.k.invite(code)).Result()
	if err != nil {
		return invite{}, "", wrap("check invite", err)
	}
	return inviteState(code, h, now)
}

// redeemScript marks an invite used by one person and returns it,
// atomically, so that two people racing with one code cannot both join. The
// same person redeeming again (a retried update) gets it again, so that a
// crash before their record was saved does not lock them out.
// KEYS[1] invite hash. ARGV[1] now unix seconds, ARGV[2] user id.
// Returns the hash as a flat list, with "state" first.
const redeemScript = `
local h = redis.call('HGETALL', KEYS[1])
if #h == 0 then return {'state', 'unknown'} end
local used = redis.call('HGET', KEYS[1], 'used')
local expires = tonumber(redis.call('HGET', KEYS[1], 'expires'))
if used == '1' and redis.call('HGET', KEYS[1], 'used_by') ~= ARGV[2] then return {'state', 'used'} end
if used ~= '1' and expires <= tonumber(ARGV[1]) then return {'state', 'expired'} end
if redis.call('HEXISTS', KEYS[1], 'role') == 0 then return {'state', 'used'} end
redis.call('HSET', KEYS[1], 'used', '1', 'used_by', ARGV[2])
table.insert(h, 1, 'ok')
table.insert(h, 1, 'state')
return h
`

// redeemInvite uses the invite once, for userID.
func (e *Engine) redeemInvite(ctx context.Context, code string, userID int64, now time.Time) (invite, string, error) {
	flat, err := e.cfg.Redis.Eval(ctx, redeemScript, []string{e.k.invite(code)}, now.Unix(), userID).StringSlice()
	if err != nil {
		return invite{}, "", wrap("redeem invite", err)
	}
	h := map[string]string{}
	for i := 0; i+1 < len(flat); i += 2 {
		h[flat[i]] = flat[i+1]
	}
	if h["state"] != inviteOK {
		return invite{}, h["state"], nil
	}
	by, _ := strconv.ParseInt(h["by"], 10, 64)
	return invite{Code: code, Role: h["role"], OrgID: h["org"], By: by, Label: h["label"], Expires: unixTime(h["expires"])},
		inviteOK, nil
}

// spendInvite keeps of a used invite only what says it was used: who it was
// for and who made it are not needed any more.
func (e *Engine) spendInvite(ctx context.Context, code string) error {
	return wrap("spend invite", e.cfg.Redis.HDel(ctx, e.k.invite(code), "role", "org", "by", "label").Err())
}

// eraseInvites removes the invites a person created and the one they joined with.
func (e *Engine) eraseInvites(ctx context.Context, p Person) error {
	codes, err := e.cfg.Redis.SMembers(ctx, e.k.invitesBy(p.ID)).Result()
	if err != nil {
		return wrap("list invites", err)
	}
	keys := []string{e.k.invitesBy(p.ID)}
	for _, c := range codes {
		keys = append(keys, e.k.invite(c))
	}
	if p.Invite != "" {
		keys = append(keys, e.k.invite(p.Invite))
	}
	return wrap("erase invites", e.cfg.Redis.Del(ctx, keys...).Err())
}

func inviteState(code string, h map[string]string, now time.Time) (invite, string, error) {
	if len(h) == 0 {
		return invite{}, inviteUnknown, nil
	}
	by, _ := strconv.ParseInt(h["by"], 10, 64)
	inv := invite{Code: code, Role: h["role"], OrgID: h["org"], By: by, Label: h["label"], Expires: unixTime(h["expires"])}
	switch {
	case h["used"] == "1":
		return inv, inviteUsed, nil
	case !now.Before(inv.Expires):
		return inv, inviteExpired, nil
	}
	return inv, inviteOK, nil
}

// countCodeTry counts one wrong code and reports whether the person is over
// the limit. The count and its hour are set together: a counter without an
// expiry would lock the person out for good.
// KEYS[1] counter. ARGV[1] window seconds.
func (e *Engine) countCodeTry(ctx context.Context, userID int64) (bool, error) {
	const script = `local n = redis.call('INCR', KEYS[1])
if redis.call('TTL', KEYS[1]) < 0 then redis.call('EXPIRE', KEYS[1], ARGV[1]) end
return n`
	n, err := e.cfg.Redis.Eval(ctx, script, []string{e.k.inviteFails(userID)}, int(time.Hour/time.Second)).Int()
	if err != nil {
		return false, wrap("count code try", err)
	}
	return n > maxCodeTries, nil
}

func (e *Engine) tooManyTries(ctx context.Context, userID int64) (bool, error) {
	n, err := e.cfg.Redis.Get(ctx, e.k.inviteFails(userID)).Int()
	if err != nil && !errors.Is(err, redis.Nil) {
		return false, wrap("read code tries", err)
	}
	return n >= maxCodeTries, nil
}

func newCode() (string, error) {
	out := make([]byte, 0, codeLength)
	var b [16]byte
	for len(out) < codeLength {
		if _, err := rand.Read(b[:]); err != nil {
			return "", fmt.Errorf("invite code: %w", err)
		}
		for _, c := range b {
			// Bytes past the last whole multiple of the alphabet would favour its first letters.
			if int(c) < 256/len(codeAlphabet)*len(codeAlphabet) && len(out) < codeLength {
				out = append(out, codeAlphabet[int(c)%len(codeAlphabet)])
			}
		}
	}
	return string(out), nil
}

// looksLikeCode reports whether text, typed alone, is an invite code: as
// many characters of the codes' alphabet as a code has, once spaces and
// dashes are gone. A word such as "famiglia" has letters no code has.
func looksLikeCode(text string) bool {
	code := normalizeCode(strings.TrimSpace(text))
	if len(code) != codeLength {
		return false
	}
	for _, c := range code {
		if !strings.ContainsRune(codeAlphabet, c) {
			return false
		}
	}
	return true
}

// normalizeCode accepts a code dictated over the phone: lower case, spaces, dashes.
func normalizeCode(s string) string {
	out := make([]byte, 0, codeLength)
	for _, r := range s {
		switch {
		case r >= 'a' && r <= 'z':
			out = append(out, byte(r-'a'+'A'))
		case r >= 'A' && r <= 'Z' || r >= '0' && r <= '9':
			out = append(out, byte(r))
		case r == ' ' || r == '-':
		default:
			return ""
		}
		if len(out) > codeLength {
			return ""
		}
	}
	return string(out)
}
