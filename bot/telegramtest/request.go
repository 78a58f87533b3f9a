package telegramtest

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strconv"
	"strings"
)

// maxBody is Telegram's limit for uploads (50 MB) plus room for the fields.
const maxBody = 51 << 20

// request is one Bot API call with its parameters flattened to strings, the
// way they arrive in a form: structured values such as reply_markup stay
// JSON text, whatever the body's encoding.
type request struct {
	params map[string]string
	files  map[string]upload
}

// upload is a file sent as a multipart file part.
type upload struct {
	name string
	data []byte
}

// readRequest reads the query string and a multipart, JSON or url-encoded body.
func readRequest(hr *http.Request) (*request, error) {
	r := &request{params: map[string]string{}, files: map[string]upload{}}
	for k, v := range hr.URL.Query() {
		r.params[k] = v[0]
	}
	mediaType, ctParams, _ := mime.ParseMediaType(hr.Header.Get("Content-Type"))
	hr.Body = http.MaxBytesReader(nil, hr.Body, maxBody)
	switch mediaType {
	case "multipart/form-data":
		return r, r.readMultipart(hr, ctParams["boundary"])
	case "application/json":
		return r, r.readJSON(hr.Body)
	case "application/x-www-form-urlencoded":
		if err := hr.ParseForm(); err != nil {
			return r, err
		}
		for k, v := range hr.PostForm {
			r.params[k] = v[0]
		}
	}
	return r, nil
}

func (r *request) readMultipart(hr *http.Request, boundary string) error {
	if boundary == "" {
		return errors.New("multipart body without boundary")
	}
	mr, err := hr.MultipartReader()
	if err != nil {
		return err
	}
	for {
		part, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			return nil // includes the empty body go-telegram/bot sends for getMe
		}
		if err != nil {
			return err
		}
		data, err := io.ReadAll(io.LimitReader(part, maxBody))
		if err != nil {
			return err
		}
		if part.FileName() != "" {
			r.files[part.FormName()] = upload{name: part.FileName(), data: data}
		} else {
			r.params[part.FormName()] = string(data)
		}
	}
}

func (r *request) readJSON(body io.Reader) error {
	var fields map[string]json.RawMessage
	dec := json.NewDecoder(body)
	if err := dec.Decode(&fields); err != nil && !errors.Is(err, io.EOF) {
		return fmt.Errorf("can't parse JSON body: %w", err)
	}
	for k, raw := range fields {
		var s string
		switch {
		case string(raw) == "null":
		case json.Unmarshal(raw, &s) == nil:
			r.params[k] = s
		default:
			r.params[k] = string(raw)
		}
	}
	return nil
}

func (r *request) str(name string) string { return r.params[name] }

// integer reads an integer parameter; absent is 0.
func (r *request) integer(name string) (int64, *apiError) {
	v := strings.TrimSpace(r.params[name])
	if v == "" {
		return 0, nil
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil {
		return 0, badRequest(fmt.Sprintf("wrong parameter %s in request", name))
	}
	return n, nil
}

// boolean reads a boolean parameter the lenient way Telegram does.
func (r *request) boolean(name string) bool {
	switch strings.ToLower(r.params[name]) {
	case "true", "1", "yes":
		return true
	}
	return false
}

// chatID reads chat_id; a @username is only valid for channels, which the
// fake does not have, so it is an unknown chat.
func (r *request) chatID() (int64, *apiError) {
	v := strings.TrimSpace(r.params["chat_id"])
	if v == "" {
		return 0, badRequest("chat_id is empty")
	}
	id, err := strconv.ParseInt(v, 10, 64)
	if err != nil || id == 0 {
		return 0, badRequest("chat not found")
	}
	return id, nil
}

// target reads chat_id and message_id of a message to edit or delete.
func (r *request) target() (int64, int, *apiError) {
	if r.params["inline_message_id"] != "" {
		return 0, 0, unsupported("inline messages are not supported")
	}
	chatID, err := r.chatID()
	if err != nil {
		return 0, 0, err
	}
	id, err := r.integer("message_id")
	if err != nil || id <= 0 {
		return 0, 0, badRequest("message identifier is not specified")
	}
	return chatID, int(id), nil
}
