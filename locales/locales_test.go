package locales_test

import (
	"fmt"
	"io/fs"
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"
	"unicode"
	"unicode/utf16"

	"github.com/BurntSushi/toml"

	"nido/locales"
)

// reference is the language the texts are written in first: every other
// file has exactly its ids, with the same placeholders.
const reference = "it"

// messages reads one file into id -> plural form -> text, the way go-i18n nests ids.
func messages(t *testing.T, lang string) map[string]map[string]string {
	t.Helper()
	raw, err := fs.ReadFile(locales.Files(), "active."+lang+".toml")
	if err != nil {
		t.Fatal(err)
	}
	var tree map[string]any
	if err := toml.Unmarshal(raw, &tree); err != nil {
		t.Fatalf("%s: %v", lang, err)
	}
	out := map[string]map[string]string{}
	var walk func(prefix string, v any)
	walk = func(prefix string, v any) {
		switch v := v.(type) {
		case string:
			out[prefix] = map[string]string{"other": v}
		case map[string]any:
			forms := map[string]string{}
			for k, c := range v {
				if s, ok := c.(string); ok && isPluralForm(k) {
					forms[k] = s
					continue
				}
				walk(strings.TrimPrefix(prefix+"."+k, "."), c)
			}
			if len(forms) > 0 {
				out[prefix] = forms
			}
		}
	}
	walk("", tree)
	return out
}

func isPluralForm(k string) bool {
	switch k {
	case "zero", "one", "two", "few", "many", "other":
		return true
	}
	return false
}

func sortedIDs(m map[string]map[string]string) []string {
	ids := make([]string, 0, len(m))
	for id := range m {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	return ids
}

var (
	placeholder = regexp.MustCompile(`{{\s*\.(\w+)\s*}}`)
	markup      = regexp.MustCompile(`<[^>]*>`)
)

func placeholderSet(forms map[string]string) []string {
	set := map[string]bool{}
	for _, s := range forms {
		for _, m := range placeholder.FindAllStringSubmatch(s, -1) {
			set[m[1]] = true
		}
	}
	var names []string
	for n := range set {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// Every language has exactly the ids of the reference, with the same placeholders.
func TestSameIDsAndPlaceholders(t *testing.T) {
	ref := messages(t, reference)
	for _, lang := range locales.Codes() {
		t.Run(lang, func(t *testing.T) {
			got := messages(t, lang)
			for _, id := range sortedIDs(ref) {
				other, ok := got[id]
				if !ok {
					t.Errorf("%s lacks %q", lang, id)
					continue
				}
				a, b := strings.Join(placeholderSet(ref[id]), ","), strings.Join(placeholderSet(other), ",")
				if a != b {
					t.Errorf("%s %q has placeholders {%s}, %s has {%s}", lang, id, b, reference, a)
				}
			}
			for _, id := range sortedIDs(got) {
				if _, ok := ref[id]; !ok {
					t.Errorf("%s has %q, which %s lacks", lang, id, reference)
				}
			}
		})
	}
}

// sameOnPurpose are texts rightly written the same as the Italian or the
// English one, by language and id: each is the same word in both languages.
// Keep it short: a text left untranslated is read by someone who does not
// read that language.
var sameOnPurpose = map[string]bool{
	"en family.pair_no": true, "en menu.privacy": true, // "No"; "Privacy", which Italian borrows
	"fr date.month.11": true, "fr role.staff": true, // "novembre"; "équipe", which Italian borrows
	"fr menu.orgs": true, "fr command.orgs": true, "fr org.list_title": true, // "organisation(s)", as in English
	"fr family.checkin_urgent": true, "fr family.answer_urgent": true, // "urgent", as in English
	"es date.month.3": true, "es date.month.8": true, "es appointment.kind_paediatrician": true, // "marzo", "agosto", "Pediatra"
	"es family.pair_no": true, "es family.card_family": true, // "No"; "Visita a", as in Italian
	"es family.checkin_urgent": true, "es family.answer_urgent": true, // "urgente", as in Italian
	"ro family.checkin_urgent": true, "ro family.answer_urgent": true, // "urgent", as in English
	"fr helpdesk.history": true, "fr helpdesk.menu_staff": true, // "Conversation", "Messages", as in English
}

// wordy reports whether s says something in words once its placeholders,
// markup and the names nobody translates are left out: an emoji, an arrow
// or a bare placeholder is the same in every language.
func wordy(s string) bool {
	s = placeholder.ReplaceAllString(s, " ")
	s = markup.ReplaceAllString(s, " ")
	for _, name := range []string{"Nido", "Telegram", "HACCP", "CV"} {
		s = strings.ReplaceAll(s, name, " ")
	}
	letters := 0
	for _, r := range s {
		if unicode.IsLetter(r) {
			letters++
		}
	}
	return letters >= 2
}

// No text is left in Italian or in English in another language's file: a
// copied text that was never translated.
func TestNothingLeftUntranslated(t *testing.T) {
	ref, en := messages(t, reference), messages(t, "en")
	used := map[string]bool{}
	for _, lang := range locales.Codes() {
		if lang == reference {
			continue
		}
		own := messages(t, lang)
		for _, id := range sortedIDs(own) {
			for form, text := range own[id] {
				if !wordy(text) {
					continue
				}
				for _, from := range []struct {
					lang  string
					forms map[string]string
				}{{reference, ref[id]}, {"en", en[id]}} {
					if from.lang == lang {
						continue
					}
					for _, other := range from.forms {
						if text != other {
							continue
						}
						if sameOnPurpose[lang+" "+id] {
							used[lang+" "+id] = true
							continue
						}
						t.Errorf("%s %s (%s) is the same as in %s: %q", lang, id, form, from.lang, text)
					}
				}
			}
		}
	}
	for k := range sameOnPurpose {
		if !used[k] {
			t.Errorf("sameOnPurpose lists %q, which is translated now: drop it", k)
		}
	}
}

// Telegram's limit on a message's text, in UTF-16 units.
const maxMessage = 4096

// counts are the plural counts every message with plural forms is rendered
// with: each form of each language, and large numbers.
var counts = []any{0, 1, 2, 3, 5, 11, 21, 22, 100, 101, 111, 1000000}

// longest is the longest text in lang among the ids with that prefix
// ("date.weekday.").
func longest(t *testing.T, c *locales.Catalog, lang string, ids []string, prefix string) string {
	t.Helper()
	best := ""
	for _, id := range ids {
		if !strings.HasPrefix(id, prefix) {
			continue
		}
		s, err := c.Text(lang, id, nil, nil)
		if err == nil && utf16Len(s) > utf16Len(best) {
			best = s
		}
	}
	return best
}

// longDates are the longest day and day-and-time a language writes.
func longDates(c *locales.Catalog, lang string) (day, dayTime string) {
	for m := time.January; m <= time.December; m++ {
		for d := 24; d <= 30; d++ { // a week of days, each weekday once
			at := time.Date(2027, m, d, 23, 59, 0, 0, time.UTC)
			if s := c.Date(lang, at); utf16Len(s) > utf16Len(day) {
				day = s
			}
			if s := c.DateTime(lang, at); utf16Len(s) > utf16Len(dayTime) {
				dayTime = s
			}
		}
	}
	return day, dayTime
}

func letters(n int) string { return strings.Repeat("ш", n) }

// longValues fill the placeholders with the longest a person or Nido may
// put there: names as long as Telegram's (64), places and notes as long as
// the flows accept, the language's longest date, numbers in the millions.
// A placeholder not listed gets 200 characters.
func longValues(t *testing.T, c *locales.Catalog, lang string, ids []string) map[string]any {
	day, dayTime := longDates(c, lang)
	name := letters(64)
	v := map[string]any{
		"Name": name, "Family": name, "Mother": name, "Who": name,
		"Group": letters(60), "Org": letters(80),
		"Orgs": strings.TrimSuffix(strings.Repeat(letters(80)+", ", 5), ", "),
		"When": dayTime, "Expires": dayTime, "From": dayTime, "To": dayTime, "Since": dayTime,
		"Day": day, "Date": day,
		"Weekday": longest(t, c, lang, ids, "date.weekday."),
		"Month":   longest(t, c, lang, ids, "date.month."),
		"Year":    2027, "Time": "23:59",
		"Place": letters(200), "Where": letters(200), "Offer": letters(200),
		"What": letters(300), "Note": letters(1000), "Text": letters(60),
		"Job":  longest(t, c, lang, ids, "interview.job_"),
		"Link": "https://t.me/" + letters(32) + "?start=" + letters(16),
		"Code": letters(16), "ID": "1234567890123",
		"Max": 4096, "Count": 1000000,
	}
	for _, n := range []string{"Total", "Done", "Sent", "Skipped", "Blocked", "Failed", "Yes", "No", "None", "Interviews", "Attended", "Offers", "N"} {
		v[n] = 1000000
	}
	return v
}

// labelValues fill a button's placeholders: names are the person's own and
// Telegram cuts a long one, so they stand as a short name; what the bot
// writes (dates, counts, words) is as long as it gets.
func labelValues(long map[string]any) map[string]any {
	v := map[string]any{}
	for k, x := range long {
		v[k] = x
	}
	for _, k := range []string{"Name", "Family", "Mother", "Who", "Group", "Org"} {
		v[k] = "Maria"
	}
	return v
}

func utf16Len(s string) int { return len(utf16.Encode([]rune(s))) }

// Every message renders in every language, for every plural count, without
// error, and stays within Telegram's limits with placeholders at their
// longest: a message within 4096 UTF-16 units, a button label, a caption or a
// command description within theirs. (An id missing in a language, which
// would fall back to the default one, is TestSameIDsAndPlaceholders's.)
func TestEveryMessageFitsTelegram(t *testing.T) {
	c, err := locales.New(reference)
	if err != nil {
		t.Fatal(err)
	}
	ref := messages(t, reference)
	ids := sortedIDs(ref)
	uses := usesInFlows(t, ids)
	for id := range uses {
		if _, ok := ref[id]; !ok {
			t.Errorf("%s: the flows use %q, which %s lacks", uses[id][0].at, id, reference)
		}
	}
	for _, id := range []string{"appointment.yes", "family.checkin_good", "delete.yes", "broadcast.will_come_after_all",
		"interview.job_care", "appointment.tomorrow", "group.menu_mine", "menu.lang", "command.tips", "ics.caption"} {
		if len(uses[id]) == 0 {
			t.Errorf("usesInFlows did not find %s among the limited texts: it misses uses", id)
		}
	}
	for _, lang := range locales.Codes() {
		own := messages(t, lang)
		long := longValues(t, c, lang, ids)
		short := labelValues(long)
		for _, id := range ids {
			if _, ok := own[id]; !ok {
				continue
			}
			ns := []any{nil}
			if _, plural := ref[id]["one"]; plural {
				ns = counts
			}
			for _, n := range ns {
				fits(t, c, lang, id, own[id], long, n, maxMessage, "message")
				seen := map[string]bool{}
				for _, u := range uses[id] {
					if !seen[u.field] {
						seen[u.field] = true
						fits(t, c, lang, id, own[id], short, n, fieldLimits[u.field].max, fieldLimits[u.field].what)
					}
				}
			}
		}
	}
}

// fits renders id in lang with values (200 characters for a placeholder
// they lack) and plural count n, and fails unless it renders within max
// UTF-16 units.
func fits(t *testing.T, c *locales.Catalog, lang, id string, forms map[string]string, values map[string]any, n any, max int, what string) {
	t.Helper()
	d := map[string]any{}
	for k, v := range values {
		d[k] = v
	}
	for _, p := range placeholderSet(forms) {
		if _, ok := d[p]; !ok {
			d[p] = letters(200)
		}
	}
	if n != nil {
		d["Count"] = n
	}
	s, err := c.Text(lang, id, d, n)
	if err != nil {
		t.Errorf("%s %s count %v: %v", lang, id, n, err)
		return
	}
	if strings.Contains(s, "<no value>") {
		t.Errorf("%s %s: unfilled placeholder in %q", lang, id, s)
	}
	if l := utf16Len(s); l > max {
		t.Errorf("%s %s count %v: %d UTF-16 units as a %s, more than %d: %q", lang, id, n, l, what, max, s)
	}
}

// A missing id is an error, not an empty text.
func TestUnknownID(t *testing.T) {
	c, err := locales.New("it")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Text("en", "no.such.id", nil, nil); err == nil {
		t.Fatal("want an error for an unknown id")
	}
}

func TestLangFallsBackToDefault(t *testing.T) {
	c, err := locales.New("it")
	if err != nil {
		t.Fatal(err)
	}
	for in, want := range map[string]string{"en-GB": "en", "ar": "ar", "de": "it", "": "it", "UK": "uk", "pt_BR": "it"} {
		if got := c.Lang(in); got != want {
			t.Errorf("Lang(%q) = %q, want %q", in, got, want)
		}
	}
}

func ExampleCatalog_Text() {
	c, _ := locales.New("it")
	s, _ := c.Text("en", "org.list_title", map[string]any{"Count": 2}, 2)
	fmt.Println(s)
	// Output: <b>2 organisations</b>
}
