package telegramtest

import (
	"encoding/json"
	"net/url"
)

// maxCallbackData is Telegram's limit for callback_data, in bytes.
const maxCallbackData = 64

// markup is a parsed reply_markup.
type markup struct {
	inline   [][]Button
	keyboard [][]string
}

// wireMarkup is reply_markup as bots send it: one of an inline keyboard, a
// reply keyboard, or a request to remove the keyboard or force a reply.
type wireMarkup struct {
	InlineKeyboard [][]wireButton      `json:"inline_keyboard"`
	Keyboard       [][]json.RawMessage `json:"keyboard"`
}

// wireButton is an inline keyboard button; fields other than text say what
// it does and exactly one should be set. go-telegram/bot always sends
// copy_text, empty when unused, so an empty one counts as absent.
type wireButton struct {
	Text                         string                `json:"text"`
	URL                          string                `json:"url"`
	CallbackData                 string                `json:"callback_data"`
	CopyText                     struct{ Text string } `json:"copy_text"`
	WebApp                       json.RawMessage       `json:"web_app"`
	LoginURL                     json.RawMessage       `json:"login_url"`
	SwitchInlineQuery            *string               `json:"switch_inline_query"`
	SwitchInlineQueryCurrentChat *string               `json:"switch_inline_query_current_chat"`
	SwitchInlineQueryChosenChat  json.RawMessage       `json:"switch_inline_query_chosen_chat"`
	CallbackGame                 json.RawMessage       `json:"callback_game"`
	Pay                          bool                  `json:"pay"`
}

// parseReplyMarkup checks a reply_markup the way Telegram does.
func parseReplyMarkup(src string) (markup, *apiError) {
	var m markup
	if src == "" {
		return m, nil
	}
	var w wireMarkup
	if err := json.Unmarshal([]byte(src), &w); err != nil {
		return m, badRequest("can't parse reply keyboard markup JSON object")
	}
	for _, row := range w.InlineKeyboard {
		var buttons []Button
		for _, wb := range row {
			b, err := wb.check()
			if err != nil {
				return m, err
			}
			buttons = append(buttons, b)
		}
		m.inline = append(m.inline, buttons)
	}
	for _, row := range w.Keyboard {
		var labels []string
		for _, raw := range row {
			var label string
			if json.Unmarshal(raw, &label) != nil {
				var b struct{ Text string }
				if json.Unmarshal(raw, &b) != nil {
					return m, badRequest("can't parse keyboard button")
				}
				label = b.Text
			}
			if label == "" {
				return m, badRequest("keyboard button text must be non-empty")
			}
			labels = append(labels, label)
		}
		m.keyboard = append(m.keyboard, labels)
	}
	return m, nil
}

func (wb wireButton) check() (Button, *apiError) {
	b := Button{Text: wb.Text, CallbackData: wb.CallbackData, URL: wb.URL}
	if wb.Text == "" {
		return b, badRequest("can't parse inline keyboard button: Text must be non-empty")
	}
	if len(wb.CallbackData) > maxCallbackData {
		return b, badRequest("BUTTON_DATA_INVALID")
	}
	if wb.URL != "" {
		u, err := url.Parse(wb.URL)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https" && u.Scheme != "tg") || (u.Scheme != "tg" && u.Host == "") {
			return b, badRequest("inline keyboard button URL '" + wb.URL + "' is invalid: Wrong HTTP URL")
		}
	}
	if wb.CallbackData == "" && wb.URL == "" && wb.CopyText.Text == "" && !wb.other() {
		return b, badRequest("can't parse inline keyboard button: Text buttons are unallowed in the inline keyboard")
	}
	return b, nil
}

// other reports whether the button does something the fake only stores.
func (wb wireButton) other() bool {
	return present(wb.WebApp) || present(wb.LoginURL) || wb.SwitchInlineQuery != nil ||
		wb.SwitchInlineQueryCurrentChat != nil || present(wb.SwitchInlineQueryChosenChat) ||
		present(wb.CallbackGame) || wb.Pay
}

func present(raw json.RawMessage) bool { return len(raw) > 0 && string(raw) != "null" }
