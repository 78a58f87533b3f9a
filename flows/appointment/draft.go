package appointment

import "strconv"

// The draft: what has been answered so far while an appointment is made or
// moved, kept in the conversation between one input and the next.

// draft is an appointment being made or moved, kept in the conversation.
type draft struct {
	Mother int64
	Kind   string
	Day    string // DayCode
	Time   string // "0930"
	Place  string
	Note   string
	// PlaceAsked and NoteAsked are set once the question was answered or skipped.
	PlaceAsked, NoteAsked bool
	// Move is the id of the appointment being moved; empty when making one.
	Move string
	// ID is the id reserved for the appointment being made, once every
	// answer is in, so that saving it again rewrites it (see apptCreate).
	ID string
	// From is, once a move is being written, the time it had before, so
	// that a repeat tells the same "from" (see apptMoveDone).
	From string
}

// draftOf reads the draft of the conversation; ok is false when there is none.
func draftOf(d map[string]string) (draft, bool) {
	if d["f"] != "appt" {
		return draft{}, false
	}
	m, _ := strconv.ParseInt(d["m"], 10, 64)
	return draft{Mother: m, Kind: d["k"], Day: d["d"], Time: d["t"], Place: d["p"], Note: d["n"],
		PlaceAsked: d["pa"] == "1", NoteAsked: d["na"] == "1", Move: d["mv"], ID: d["id"], From: d["fr"]}, true
}

func (d draft) data() map[string]string {
	out := map[string]string{"f": "appt"}
	put := func(k, v string) {
		if v != "" {
			out[k] = v
		}
	}
	if d.Mother != 0 {
		put("m", id64(d.Mother))
	}
	put("k", d.Kind)
	put("d", d.Day)
	put("t", d.Time)
	put("p", d.Place)
	put("n", d.Note)
	put("mv", d.Move)
	put("id", d.ID)
	put("fr", d.From)
	if d.PlaceAsked {
		put("pa", "1")
	}
	if d.NoteAsked {
		put("na", "1")
	}
	return out
}
