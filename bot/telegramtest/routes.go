package telegramtest

// routes lists every Bot API method the fake serves; any other answers 404
// and is recorded in Errors. Handlers live in the file named after their topic.
func (s *Server) routes() []method {
	return []method{
		{"getMe", s.getMe},                                   // bot.go: who the bot is
		{"getUpdates", s.getUpdates},                         // updates.go: long polling; offset confirms
		{"setWebhook", s.setWebhook},                         // webhook.go: push updates by POST instead
		{"deleteWebhook", s.deleteWebhook},                   // webhook.go: back to getUpdates
		{"getWebhookInfo", s.getWebhookInfo},                 // webhook.go: url, pending count, last error
		{"sendMessage", s.sendMessage},                       // messages.go: text with HTML and a keyboard
		{"editMessageText", s.editMessageText},               // messages.go: new text (and keyboard)
		{"editMessageReplyMarkup", s.editMessageReplyMarkup}, // messages.go: new keyboard only
		{"deleteMessage", s.deleteMessage},                   // messages.go: within 48 hours
		{"sendChatAction", s.sendChatAction},                 // messages.go: "typing…"
		{"sendDocument", s.sendDocument},                     // documents.go: a file upload or file id
		{"sendVoice", s.sendVoice},                           // voices.go: a voice message by file id
		{"answerCallbackQuery", s.answerCallbackQuery},       // callbacks.go: once per press
		{"setMyCommands", s.setMyCommands},                   // commands.go: the command menu
		{"deleteMyCommands", s.deleteMyCommands},             // commands.go
		{"getMyCommands", s.getMyCommands},                   // commands.go
	}
}
