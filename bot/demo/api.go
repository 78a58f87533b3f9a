package demo

import (
	"encoding/json"
	"errors"
	"mime"
	"net/http"
	"strconv"
	"strings"
	"unicode/utf8"

	"nido/bot/telegramtest"
	"nido/flows"
)

// MaxText is the longest text the page may send as a person, in characters:
// what Nido accepts, a bit more than Telegram's 4096 UTF-16 units allow.
const MaxText = flows.MaxInput

// maxBody bounds every request body: a text of MaxText characters, each up
// to 4 bytes, escaped in JSON, fits.
const maxBody = 64 << 10

// routes lists every path of the demo; the handlers follow in this order.
func (d *Demo) routes(mux *http.ServeMux) {
	mux.HandleFunc("GET /{$}", d.servePage)                    // the page
	mux.Handle("GET /static/", d.static())                     // its CSS and JavaScript
	mux.HandleFunc("GET /api/state", d.serveState)             // the clock, the seed and the people
	mux.HandleFunc("GET /api/people", d.servePeople)           // the people, with their last message
	mux.HandleFunc("GET /api/chats/{id}", d.serveChat)         // one chat, its commands
	mux.HandleFunc("POST /api/chats/{id}/text", d.serveText)   // the person writes
	mux.HandleFunc("POST /api/chats/{id}/press", d.servePress) // the person presses an inline button
	mux.HandleFunc("GET /api/files/{chat}/{msg}", d.serveFile) // a document the bot sent
	mux.HandleFunc("POST /api/clock", d.serveClock)            // +1 hour, +1 day, a date and time
	mux.HandleFunc("GET /api/events", d.serveEvents)           // what happens, as server-sent events
}

func (d *Demo) serveState(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusOK, stateView{Clock: d.clockView(), Seed: d.seedState(), People: d.allPeople(r)})
}

func (d *Demo) servePeople(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusOK, d.allPeople(r))
}

func (d *Demo) allPeople(r *http.Request) []personView {
	cast := Cast()
	out := make([]personView, 0, len(cast))
	for _, p := range cast {
		out = append(out, d.viewPerson(r.Context(), p))
	}
	return out
}

func (d *Demo) serveChat(w http.ResponseWriter, r *http.Request) {
	p, ok := personOf(w, r, "id")
	if !ok {
		return
	}
	v := chatView{Person: d.viewPerson(r.Context(), p), Messages: []messageView{},
		Commands: commandsFor(d.cfg.Telegram.Commands(), p)}
	for _, en := range d.chats.chat(p.ID) {
		v.Messages = append(v.Messages, viewMessage(en))
	}
	writeJSON(w, http.StatusOK, v)
}

// serveText is the person writing to Nido, as from their phone.
func (d *Demo) serveText(w http.ResponseWriter, r *http.Request) {
	p, ok := personOf(w, r, "id")
	if !ok {
		return
	}
	var in struct {
		Text string `json:"text"`
	}
	if !readJSON(w, r, &in) {
		return
	}
	text := strings.TrimSpace(in.Text)
	switch {
	case text == "" || !utf8.ValidString(text):
		writeError(w, http.StatusBadRequest, "write something first")
		return
	case utf8.RuneCountInString(text) > MaxText:
		writeError(w, http.StatusRequestEntityTooLarge, "at most "+strconv.Itoa(MaxText)+" characters")
		return
	}
	id := d.cfg.Telegram.SendText(p.user(), text)
	writeJSON(w, http.StatusAccepted, map[string]any{"updateId": id})
}

// servePress is the person pressing an inline button of one of the bot's
// messages, found by its data or its label; only buttons on the page can be pressed.
func (d *Demo) servePress(w http.ResponseWriter, r *http.Request) {
	p, ok := personOf(w, r, "id")
	if !ok {
		return
	}
	var in struct {
		MessageID int    `json:"messageId"`
		Data      string `json:"data"`
		Label     string `json:"label"`
	}
	if !readJSON(w, r, &in) {
		return
	}
	en, ok := d.chats.message(p.ID, in.MessageID)
	if !ok || !en.fromBot || en.msg.Deleted {
		writeError(w, http.StatusNotFound, "no such message")
		return
	}
	match := func(b telegramtest.Button) bool {
		switch {
		case b.CallbackData == "": // a link: the page opens it
			return false
		case in.Data != "":
			return b.CallbackData == in.Data
		}
		return in.Label != "" && b.Text == in.Label
	}
	for _, row := range en.msg.Buttons {
		for _, b := range row {
			if !match(b) {
				continue
			}
			id := d.cfg.Telegram.PressData(p.user(), en.msg.ID, b.CallbackData)
			writeJSON(w, http.StatusAccepted, map[string]any{"updateId": id})
			return
		}
	}
	writeError(w, http.StatusNotFound, "no such button on this message")
}

// serveFile serves a document the bot sent, to be saved, never shown inline.
func (d *Demo) serveFile(w http.ResponseWriter, r *http.Request) {
	p, ok := personOf(w, r, "chat")
	if !ok {
		return
	}
	id, err := strconv.Atoi(r.PathValue("msg"))
	en, found := d.chats.message(p.ID, id)
	if err != nil || !found || en.msg.Deleted || en.msg.Document == nil {
		writeError(w, http.StatusNotFound, "no such file")
		return
	}
	doc := en.msg.Document
	w.Header().Set("Content-Type", doc.MimeType)
	w.Header().Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": doc.FileName}))
	w.Header().Set("Content-Length", strconv.Itoa(len(doc.Content)))
	_, _ = w.Write(doc.Content)
}

// personOf reads a person of the cast from a path value, or answers 404.
func personOf(w http.ResponseWriter, r *http.Request, name string) (Person, bool) {
	id, err := strconv.ParseInt(r.PathValue(name), 10, 64)
	p, ok := castByID(id)
	if err != nil || !ok {
		writeError(w, http.StatusNotFound, "no such person in the demo")
		return Person{}, false
	}
	return p, true
}

// readJSON decodes a JSON body. Requiring the JSON content type also keeps
// other sites' plain forms from acting in the demo.
func readJSON(w http.ResponseWriter, r *http.Request, v any) bool {
	if ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); ct != "application/json" {
		writeError(w, http.StatusUnsupportedMediaType, "send application/json")
		return false
	}
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, maxBody))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			writeError(w, http.StatusRequestEntityTooLarge, "the request is too large")
		} else {
			writeError(w, http.StatusBadRequest, "the request is not valid JSON")
		}
		return false
	}
	return true
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

func writeError(w http.ResponseWriter, status int, msg string) {
	writeJSON(w, status, map[string]string{"error": msg})
}
