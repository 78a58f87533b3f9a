// Package locales holds every text a person reads in Nido, one TOML file per
// language (active.<lang>.toml), embedded in the binary, and renders them with
// go-i18n. Translators work with `goi18n extract` and `goi18n merge`.
package locales

import (
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"sort"
	"strings"
	"time"

	"github.com/BurntSushi/toml"
	"github.com/nicksnyder/go-i18n/v2/i18n"
	"golang.org/x/text/language"
)

//go:embed active.*.toml
var files embed.FS

// Language is one language Nido speaks, with the name its speakers use for it.
type Language struct {
	Code   string
	Native string
	// RTL is true for languages written right to left.
	RTL bool
}

// Supported lists the languages in the order the language buttons show them.
func Supported() []Language {
	return []Language{
		{Code: "it", Native: "Italiano"},
		{Code: "en", Native: "English"},
		{Code: "fr", Native: "Français"},
		{Code: "es", Native: "Español"},
		{Code: "ar", Native: "العربية", RTL: true},
		{Code: "ro", Native: "Română"},
		{Code: "uk", Native: "Українська"},
	}
}

// Catalog renders message ids in a language. It is safe for concurrent use.
type Catalog struct {
	def        string
	bundle     *i18n.Bundle
	localizers map[string]*i18n.Localizer
	ids        map[string][]string
}

// New loads the embedded message files; def is the language used when a
// person's language is unknown or not supported.
func New(def string) (*Catalog, error) {
	if !IsSupported(def) {
		return nil, fmt.Errorf("language %q is not one of %s", def, strings.Join(Codes(), ", "))
	}
	b := i18n.NewBundle(language.Make(def))
	b.RegisterUnmarshalFunc("toml", toml.Unmarshal)
	c := &Catalog{def: def, bundle: b, localizers: map[string]*i18n.Localizer{}, ids: map[string][]string{}}
	for _, l := range Supported() {
		name := "active." + l.Code + ".toml"
		mf, err := b.LoadMessageFileFS(files, name)
		if err != nil {
			return nil, fmt.Errorf("load %s: %w", name, err)
		}
		for _, m := range mf.Messages {
			c.ids[l.Code] = append(c.ids[l.Code], m.ID)
		}
		sort.Strings(c.ids[l.Code])
		// The default language is listed second so that a missing key falls back to it.
		c.localizers[l.Code] = i18n.NewLocalizer(b, l.Code, def)
	}
	return c, nil
}

// Default is the network's default language code.
func (c *Catalog) Default() string { return c.def }

// Lang returns code when Nido speaks it, otherwise the default language.
func (c *Catalog) Lang(code string) string {
	code = strings.ToLower(strings.TrimSpace(code))
	if i := strings.IndexAny(code, "-_"); i > 0 {
		code = code[:i]
	}
	if IsSupported(code) {
		return code
	}
	return c.def
}

// Text renders message id in lang with data filling its placeholders and count
// choosing the plural form (nil when the message has none).
func (c *Catalog) Text(lang, id string, data map[string]any, count any) (string, error) {
	l := c.localizers[c.Lang(lang)]
	s, err := l.Localize(&i18n.LocalizeConfig{MessageID: id, TemplateData: data, PluralCount: count})
	var nf *i18n.MessageNotFoundErr
	if errors.As(err, &nf) && s != "" {
		// Fallen back to the default language: still usable, but a test catches it.
		return s, nil
	}
	if err != nil {
		return "", fmt.Errorf("localize %s in %s: %w", id, lang, err)
	}
	return s, nil
}

// IDs lists the message ids defined in lang, sorted.
func (c *Catalog) IDs(lang string) []string { return c.ids[lang] }

// Files returns the embedded message files, for tests and tools.
func Files() fs.FS { return files }

// IsSupported reports whether Nido speaks the language code.
func IsSupported(code string) bool {
	for _, l := range Supported() {
		if l.Code == code {
			return true
		}
	}
	return false
}

// Codes lists the supported language codes.
func Codes() []string {
	var out []string
	for _, l := range Supported() {
		out = append(out, l.Code)
	}
	return out
}

// Find returns the supported language with that code.
func Find(code string) (Language, bool) {
	for _, l := range Supported() {
		if l.Code == code {
			return l, true
		}
	}
	return Language{}, false
}

// Date renders the day of t in lang, such as "lunedì 25 febbraio 2027".
func (c *Catalog) Date(lang string, t time.Time) string {
	return c.dateWith(lang, "date.day", t)
}

// DateTime renders t in lang, such as "lunedì 25 febbraio 2027, 09:30".
func (c *Catalog) DateTime(lang string, t time.Time) string {
	return c.dateWith(lang, "date.day_time", t)
}

func (c *Catalog) dateWith(lang, id string, t time.Time) string {
	weekday, _ := c.Text(lang, fmt.Sprintf("date.weekday.%d", int(t.Weekday())), nil, nil)
	month, _ := c.Text(lang, fmt.Sprintf("date.month.%d", int(t.Month())), nil, nil)
	s, err := c.Text(lang, id, map[string]any{
		"Weekday": weekday, "Day": t.Day(), "Month": month, "Year": t.Year(),
		"Time": t.Format("15:04"),
	}, nil)
	if err != nil {
		// The locale test makes this unreachable; a plain date beats nothing.
		return t.Format("02/01/2006 15:04")
	}
	return s
}
