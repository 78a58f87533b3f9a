package family

import "strconv"

// keys names every Redis key of the solidarity families, all under Nido's
// prefix; nothing else writes them.
type keys struct{ prefix string }

// pairSeq is a STRING counter giving pairing ids; it is kept for ever.
func (k keys) pairSeq() string { return k.prefix + ":family:pair:seq" }

// pair is a HASH of one pairing (org, family, mother, offer, status, by,
// created, ended, ended_by); an ended pairing expires pairRetention after it ended.
func (k keys) pair(id string) string { return k.prefix + ":family:pair:" + id }

// orgPairs is a ZSET of an organisation's pairing ids by creation unix seconds.
func (k keys) orgPairs(org string) string { return k.prefix + ":family:pairs:org:" + org }

// personPairs is a SET of the pairing ids of one family or one mother, so
// that her erasure finds them; it goes with her data.
func (k keys) personPairs(user int64) string {
	return k.prefix + ":family:pairs:person:" + strconv.FormatInt(user, 10)
}

// visitSeq is a STRING counter giving the ids of visits planned once.
func (k keys) visitSeq() string { return k.prefix + ":family:visit:seq" }

// visit is a HASH of one visit (pair, org, family, mother, at, place, home,
// status, seq, series, by, created, the confirmation's answer and its
// nudges, the check-in, its note and concern); it expires visitRetention
// after the visit.
func (k keys) visit(id string) string { return k.prefix + ":family:visit:" + id }

// pairVisits is a ZSET of a pairing's visit ids by unix seconds of their time.
func (k keys) pairVisits(pair string) string { return k.prefix + ":family:pair:" + pair + ":visits" }

// orgVisits is a ZSET of an organisation's visit ids by unix seconds of
// their time, for the digest; members older than visitRetention are pruned on each write.
func (k keys) orgVisits(org string) string { return k.prefix + ":family:visits:org:" + org }

// orgConcerns is a ZSET of the ids of an organisation's visits whose
// check-in raised a concern no staff member has handled yet, by unix
// seconds of the check-in.
func (k keys) orgConcerns(org string) string { return k.prefix + ":family:concerns:org:" + org }

// seriesSeq is a STRING counter giving the ids of recurring visits.
func (k keys) seriesSeq() string { return k.prefix + ":family:series:seq" }

// series is a HASH of one recurring visit (pair, org, weekday, clock,
// every, anchor, place, home, by, created, stopped); it goes with its pairing.
func (k keys) series(id string) string { return k.prefix + ":family:series:" + id }

// pairSeries is a SET of the ids of a pairing's recurring visits.
func (k keys) pairSeries(pair string) string { return k.prefix + ":family:pair:" + pair + ":series" }
