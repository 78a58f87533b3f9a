// Package telegramtest is a fake Telegram Bot API server for Nido's end-to-end
// tests and for the interactive demo. Like net/http/httptest it listens on
// 127.0.0.1 and is given to the bot as its server URL:
//
//	fake := telegramtest.NewTestServer(t)
//	b, _ := tg.New("123:abc", tg.WithServerURL(fake.URL), ...)
//	mum := telegramtest.User{ID: 42, FirstName: "Anna", LanguageCode: "it"}
//	fake.SendText(mum, "/start")
//	fake.WaitText(t, mum.ID, "Benvenuta")
//	fake.MustPress(t, mum, "Sì")
//
// NewServer needs no testing.T, for the demo; NewTestServer closes the
// server at the end of the test and fails it on anything in Errors.
//
// It speaks the Bot API the way github.com/go-telegram/bot calls it (POST
// multipart/form-data to /bot<token>/<method>) and also accepts JSON and
// url-encoded bodies. The methods it serves are listed in routes.go; any other
// method answers 404 like Telegram and is recorded in Errors.
//
// It rejects what Telegram rejects, with Telegram's error codes and
// descriptions: empty or too long texts (counted in UTF-16 code units of the
// visible text, after HTML parsing), malformed HTML, bad inline keyboards,
// edits that change nothing, unknown chats (400), users who blocked the bot
// (403) and too many messages (429 with retry_after). The HTML check is
// stricter than Telegram in one respect: a bare '&' that does not start one of
// &lt; &gt; &amp; &quot; or a numeric entity is an error here, while Telegram
// keeps it as text, so that a forgotten html.EscapeString shows up in tests.
//
// People are played through Server methods: SendText, SendGroupText, Press,
// PressData, Block, Deliver. What the bot said is read with Messages, Last,
// WaitMessage, Wait and Subscribe, its answers to presses (toasts) with
// CallbackAnswers. Press and WaitText go by what a person reads: the
// invisible marks that set the direction of right-to-left text aside
// (Visible). Everything is safe for concurrent use.
//
// Not modelled: Markdown parse modes (refused, and recorded in Errors),
// inline messages, media other than documents, documents sent by URL, rate
// limits on edits, presses in groups, and Telegram's 403 "bot can't initiate
// conversation with a user" (a chat that never wrote is simply unknown: 400).
package telegramtest
