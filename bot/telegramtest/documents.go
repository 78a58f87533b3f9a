package telegramtest

import (
	"context"
	"fmt"
	"mime"
	"path"
	"strings"
	"sync"
)

// fileStore remembers sent files by file id, so a bot may send one again.
type fileStore struct {
	mu     sync.Mutex
	byID   map[string]Document
	voices map[string]Voice
	next   int
}

func (fs *fileStore) save(d Document) Document {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	fs.next++
	d.FileID = fmt.Sprintf("BQACAgQAAxkDAAI%06d", fs.next)
	fs.byID[d.FileID] = d
	return d
}

func (fs *fileStore) get(id string) (Document, bool) {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	d, ok := fs.byID[id]
	return d, ok
}

// sendDocument: an uploaded file (a multipart file part named "document")
// or the file id of one sent before, with an optional caption and keyboard.
func (s *Server) sendDocument(_ context.Context, r *request) (any, *apiError) {
	return s.sendMedia(r, func() (func(*Message, string), *apiError) {
		doc, err := s.documentOf(r)
		if err != nil {
			return nil, err
		}
		return func(m *Message, caption string) { doc.Caption, m.Document = caption, &doc }, nil
	})
}

// sendMedia is what sendDocument and sendVoice share: the chat, the file
// (read by media, which returns how to put it on the message with its
// caption), an optional caption and keyboard, and the sending limits.
func (s *Server) sendMedia(r *request, media func() (func(*Message, string), *apiError)) (any, *apiError) {
	chatID, err := r.chatID()
	if err != nil {
		return nil, err
	}
	chat, err := s.admit(chatID)
	if err != nil {
		return nil, err
	}
	attach, err := media()
	if err != nil {
		return nil, err
	}
	caption, err := parseFormatted(r.str("caption"), r.str("parse_mode"), r.str("caption_entities"))
	if err != nil {
		return nil, err
	}
	if err := caption.check(maxCaptionLen, "", "message caption is too long"); err != nil {
		return nil, err
	}
	kb, err := parseReplyMarkup(r.str("reply_markup"))
	if err != nil {
		return nil, err
	}
	now := s.now()
	if err := s.limiter.admitSend(chatID, now); err != nil {
		return nil, err
	}
	m := Message{ChatID: chatID, ParseMode: caption.mode, Entities: caption.entities, plain: caption.plain,
		Buttons: kb.inline, Keyboard: kb.keyboard, Date: now}
	attach(&m, caption.source)
	m = s.chats.add(m, true)
	s.stats.addSent()
	return s.wireMessage(m, chat), nil
}

// documentOf reads the file: an upload, or a known file id.
func (s *Server) documentOf(r *request) (Document, *apiError) {
	if up, ok := r.files["document"]; ok {
		if len(up.data) == 0 {
			return Document{}, badRequest("file must be non-empty")
		}
		return s.files.save(Document{FileName: up.name, MimeType: mimeOf(up.name), Content: up.data}), nil
	}
	ref := r.str("document")
	switch {
	case ref == "":
		return Document{}, badRequest("there is no document in the request")
	case strings.HasPrefix(ref, "http://") || strings.HasPrefix(ref, "https://"):
		return Document{}, unsupported("sending a document by URL is not supported; upload it")
	}
	d, ok := s.files.get(ref)
	if !ok {
		return Document{}, badRequest("wrong file identifier/HTTP URL specified")
	}
	return d, nil
}

// mimeOf guesses the type from the extension, as Telegram does.
func mimeOf(name string) string {
	ext := strings.ToLower(path.Ext(name))
	if ext == ".ics" {
		return "text/calendar"
	}
	t, _, _ := mime.ParseMediaType(mime.TypeByExtension(ext))
	if t == "" {
		return "application/octet-stream"
	}
	return t
}
