package demo

import (
	"context"
	"fmt"
	"html"
	"regexp"
	"strings"

	"nido/bot/telegramtest"
	"nido/locales"
)

// The seed's moves: a person writes or presses, then waits for Nido's answer.

// match recognises the answer a step waits for.
type match func(telegramtest.Message) bool

// say is p writing text, then waiting for the answer.
func (d *Demo) say(ctx context.Context, p Person, text string, want match) (telegramtest.Message, error) {
	// Errors name the command, not what follows it: logs carry no names.
	what := "after writing a text"
	if cmd, _, _ := strings.Cut(text, " "); strings.HasPrefix(cmd, "/") {
		what = "after writing " + cmd
	}
	return d.await(ctx, p, what, func() error {
		d.cfg.Telegram.SendText(p.user(), text)
		return nil
	}, want)
}

// step is one move of a person: writing say, or pressing the button
// labelled press; then the answer it waits for.
type step struct {
	say, press string
	want       match
}

// play is p making steps one after the other; it returns the answer to the last.
func (d *Demo) play(ctx context.Context, p Person, steps []step) (telegramtest.Message, error) {
	var last telegramtest.Message
	for _, s := range steps {
		var err error
		if s.say != "" {
			last, err = d.say(ctx, p, s.say, s.want)
		} else {
			last, err = d.press(ctx, p, s.press, s.want)
		}
		if err != nil {
			return last, err
		}
	}
	return last, nil
}

// press is p pressing the inline button labelled label, then waiting for the answer.
func (d *Demo) press(ctx context.Context, p Person, label string, want match) (telegramtest.Message, error) {
	return d.await(ctx, p, "after pressing a button", func() error {
		_, err := d.cfg.Telegram.Press(p.user(), label)
		return err
	}, want)
}

// await does act and waits until a message of the bot in p's chat matches
// want that did not match before: a new message, or one edited to match.
func (d *Demo) await(ctx context.Context, p Person, what string, act func() error, want match) (telegramtest.Message, error) {
	if err := ctx.Err(); err != nil {
		return telegramtest.Message{}, err
	}
	tg := d.cfg.Telegram
	before := map[int]bool{}
	for _, m := range tg.Messages(p.ID) {
		before[m.ID] = want(m)
	}
	if err := act(); err != nil {
		return telegramtest.Message{}, err
	}
	ctx, cancel := context.WithTimeout(ctx, d.cfg.StepTimeout)
	defer cancel()
	m, err := tg.WaitMessage(ctx, p.ID, func(m telegramtest.Message) bool {
		return !m.Deleted && !before[m.ID] && want(m)
	})
	if err != nil {
		// WaitMessage's error quotes the chat; only the cause is kept.
		return m, fmt.Errorf("person %d got no answer %s: %w", p.ID, what, context.Cause(ctx))
	}
	return m, nil
}

// join is p signing up with code: /start, their language, consent.
func (d *Demo) join(ctx context.Context, p Person, code string) error {
	l, ok := locales.Find(p.Lang)
	if !ok {
		return fmt.Errorf("language %q is not supported", p.Lang)
	}
	if _, err := d.say(ctx, p, "/start "+code, hasButton(l.Native)); err != nil {
		return err
	}
	accept := d.label(p.Lang, "signup.accept")
	if _, err := d.press(ctx, p, l.Native, hasButton(accept)); err != nil {
		return err
	}
	_, err := d.press(ctx, p, accept, hasText(d.phrase(p.Lang, "signup.accepted")))
	return err
}

// signedUp reports whether Nido knows p.
func (d *Demo) signedUp(ctx context.Context, p Person) bool {
	_, ok, err := d.cfg.People.Get(ctx, p.ID)
	return err == nil && ok
}

func (d *Demo) cast(id int64) Person {
	p, _ := castByID(id)
	return p
}

// phrase is message id in lang as a person reads it.
func (d *Demo) phrase(lang, id string) string { return d.phraseWith(lang, id, nil) }

// phraseWith is phrase with data for the placeholders; what a missing
// placeholder would leave is cut, so the start of the text still matches.
func (d *Demo) phraseWith(lang, id string, data map[string]any) string {
	s, err := d.cfg.Catalog.Text(lang, id, data, nil)
	if err != nil {
		d.logger.Warn("demo: a text the seed waits for is missing", "lang", lang, "id", id, "error", err)
	}
	s, _, _ = strings.Cut(plain(s), "<no value>")
	return strings.TrimSpace(s)
}

// label is a button's label in lang.
func (d *Demo) label(lang, id string) string { return d.phrase(lang, id) }

var tags = regexp.MustCompile(`<[^>]*>`)

// plain is the visible text of a catalog text in Telegram's HTML.
func plain(s string) string { return html.UnescapeString(tags.ReplaceAllString(s, "")) }

// hasText matches a message whose visible text contains s.
func hasText(s string) match {
	return func(m telegramtest.Message) bool {
		return s != "" && strings.Contains(telegramtest.Visible(m.Plain()), s)
	}
}

// anyAnswer matches any new message: the step's answer has nothing fixed to
// recognise it by.
func anyAnswer() match { return func(telegramtest.Message) bool { return true } }

// hasButton matches a message with an inline button labelled label.
func hasButton(label string) match {
	return func(m telegramtest.Message) bool {
		for _, l := range m.Labels() {
			if telegramtest.Visible(l) == label {
				return true
			}
		}
		return false
	}
}

var inviteCode = regexp.MustCompile(`start=([A-Z0-9]{8})`)

// hasCode matches the message that shows an invite.
func hasCode() match {
	return func(m telegramtest.Message) bool { return inviteCode.MatchString(m.Plain()) }
}

func codeIn(m telegramtest.Message) string {
	if c := inviteCode.FindStringSubmatch(m.Plain()); c != nil {
		return c[1]
	}
	return ""
}
