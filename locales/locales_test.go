package locales_test

import (
	"fmt"
	"io/fs"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/BurntSushi/toml"

	"nido/locales"
)

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

var placeholder = regexp.MustCompile(`{{\s*\.(\w+)\s*}}`)

func placeholders(forms map[string]string) string {
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
	return strings.Join(names, ",")
}

// Every language has exactly the ids English has, with the same placeholders.
func TestSameIDsAndPlaceholders(t *testing.T) {
	ref := messages(t, "en")
	for _, lang := range locales.Codes() {
		t.Run(lang, func(t *testing.T) {
			got := messages(t, lang)
			for id, forms := range ref {
				other, ok := got[id]
				if !ok {
					t.Errorf("%s lacks %q", lang, id)
					continue
				}
				if a, b := placeholders(forms), placeholders(other); a != b {
					t.Errorf("%s %q has placeholders {%s}, en has {%s}", lang, id, b, a)
				}
			}
			for id := range got {
				if _, ok := ref[id]; !ok {
					t.Errorf("%s has %q, which en lacks", lang, id)
				}
			}
		})
	}
}

// Every id renders in every language, for every plural count, without error
// and without falling back to another language.
func TestEveryMessageRenders(t *testing.T) {
	c, err := locales.New("it")
	if err != nil {
		t.Fatal(err)
	}
	ref := messages(t, "en")
	data := map[string]any{}
	for _, forms := range ref {
		for _, n := range strings.Split(placeholders(forms), ",") {
			if n != "" {
				data[n] = "X"
			}
		}
	}
	for _, lang := range locales.Codes() {
		own := messages(t, lang)
		for id, forms := range ref {
			counts := []any{nil}
			if _, plural := forms["one"]; plural {
				counts = []any{0, 1, 2, 3, 5, 11, 21, 22, 100, 1000000}
			}
			for _, n := range counts {
				d := map[string]any{}
				for k, v := range data {
					d[k] = v
				}
				if n != nil {
					d["Count"] = n
				}
				s, err := c.Text(lang, id, d, n)
				if err != nil {
					t.Errorf("%s %s count %v: %v", lang, id, n, err)
					continue
				}
				if strings.Contains(s, "<no value>") {
					t.Errorf("%s %s: unfilled placeholder in %q", lang, id, s)
				}
				if _, ok := own[id]; ok && lang != "en" && lang != "it" && s == mustEnglish(t, c, id, d, n) && len(s) > 12 {
					t.Logf("%s %s is the same as in English: %q", lang, id, s)
				}
			}
		}
	}
}

func mustEnglish(t *testing.T, c *locales.Catalog, id string, d map[string]any, n any) string {
	s, err := c.Text("en", id, d, n)
	if err != nil {
		t.Fatal(err)
	}
	return s
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
