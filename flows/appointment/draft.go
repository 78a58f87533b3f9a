package appointment

import "strconv"

// The draft: what has been answered so far while an appointment is made or
// moved, kept in the conversation between one input and the next.

// draft is an appointment being made or moved, kept in the conversation.
type draft struct {
	Mother int64
	Kind   string
	// Title is what it is in her words, asked when Kind is "other".
	Title string
	Day   string // DayCode
	Time  string // "0930"
	Place string
	Note  string
	// Accepted is the day and time ("202611250930") the person chose to
	// keep after a warning (something else then, a holiday), so that it is
	// not asked again; another day or time is checked anew.
	Accepted string
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

// draftOf reads the draft of the conversation; ok is false when there is
// none. Its fields are kept under readable names (see data).
func draftOf(d map[string]string) (draft, bool) {
	if d["flow"] != "appt" {
		return draft{}, false
	}
	m, _ := strconv.ParseInt(d["mother"], 10, 64)
	return draft{Mother: m, Kind: d["kind"], Title: d["title"], Accepted: d["accepted"], Day: d["day"], Time: d["time"], Place: d["place"], Note: d["note"],
		PlaceAsked: d["place_asked"] == "1", NoteAsked: d["note_asked"] == "1", Move: d["move"], ID: d["id"], From: d["from"]}, true
}

func (d draft) data() map[string]string {
	out := map[string]string{"flow": "appt"}
	put := func(k, v string) {
		if v != "" {
			out[k] = v
		}
	}
	if d.Mother != 0 {
		put("mother", id64(d.Mother))
	}
	put("kind", d.Kind)
	put("title", d.Title)
	put("accepted", d.Accepted)
	put("day", d.Day)
	put("time", d.Time)
	put("place", d.Place)
	put("note", d.Note)
	put("move", d.Move)
	put("id", d.ID)
	put("from", d.From)
	if d.PlaceAsked {
		put("place_asked", "1")
	}
	if d.NoteAsked {
		put("note_asked", "1")
	}
	return out
}
