package telegramtest

import (
	"context"
	"strconv"
	"strings"

	"github.com/go-telegram/bot/models"
)

// defaultBotID is the bot's id when the token does not start with one.
const defaultBotID = 7000000001

// getMe answers with the bot's own user: its id is the number before the
// ':' of the token, as with Telegram.
func (s *Server) getMe(context.Context, *request) (any, *apiError) {
	return s.botUser(), nil
}

func (s *Server) botUser() models.User {
	id := int64(defaultBotID)
	prefix, _, _ := strings.Cut(s.Token(), ":")
	if n, err := strconv.ParseInt(prefix, 10, 64); err == nil && n > 0 {
		id = n
	}
	return models.User{ID: id, IsBot: true, FirstName: "Nido", Username: s.cfg.username, CanJoinGroups: true}
}

// wireMessage renders a bot message as Telegram returns it and puts it in
// callback queries.
func (s *Server) wireMessage(m Message, chat models.Chat) *models.Message {
	bot := s.botUser()
	w := &models.Message{
		ID:       m.ID,
		From:     &bot,
		Chat:     chat,
		Date:     int(m.Date.Unix()),
		Entities: m.Entities,
	}
	if !m.EditDate.IsZero() {
		w.EditDate = int(m.EditDate.Unix())
	}
	if m.Document != nil {
		w.Document = &models.Document{
			FileID: m.Document.FileID, FileUniqueID: "u" + m.Document.FileID,
			FileName: m.Document.FileName, MimeType: m.Document.MimeType, FileSize: int64(len(m.Document.Content)),
		}
		w.Caption, w.CaptionEntities, w.Entities = m.plain, m.Entities, nil
	} else if m.Voice != nil {
		w.Voice = &models.Voice{FileID: m.Voice.FileID, FileUniqueID: "u" + m.Voice.FileID, Duration: m.Voice.Duration, MimeType: m.Voice.MimeType}
		w.Caption, w.CaptionEntities, w.Entities = m.plain, m.Entities, nil
	} else {
		w.Text = m.plain
	}
	if len(m.Buttons) > 0 {
		w.ReplyMarkup = &models.InlineKeyboardMarkup{InlineKeyboard: wireButtons(m.Buttons)}
	}
	return w
}

func wireButtons(rows [][]Button) [][]models.InlineKeyboardButton {
	out := make([][]models.InlineKeyboardButton, len(rows))
	for i, row := range rows {
		out[i] = make([]models.InlineKeyboardButton, len(row))
		for j, b := range row {
			out[i][j] = models.InlineKeyboardButton{Text: b.Text, CallbackData: b.CallbackData, URL: b.URL}
		}
	}
	return out
}
