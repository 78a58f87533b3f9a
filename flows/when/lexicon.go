package when

import (
	"slices"
	"strings"
	"sync"
)

// The words Parse knows, one table per language. Words are written folded,
// as the tokenizer sees them: lower case, without accents ("lunedi",
// "poimaine"), Arabic with a plain alef and ه for ة, Ukrainian without the
// apostrophe ("пятниця"). A phrase is words separated by one space. A word
// may have two meanings: "mar" is Tuesday and March, and the rules choose.

// kind is what a word means.
type kind uint8

const (
	kFiller  kind = iota // says nothing: "il", "the", "prossimo"
	kRel                 // n days from today: "domani" is 1, "ieri" -1
	kWeekday             // n is a time.Weekday
	kMonth               // n is a time.Month
	kAt                  // a time follows: "alle", "at"
	kH                   // an hour mark: "9h30", "h 9"
	kClock               // a named time at hour n: "mezzogiorno"
	kAM                  // "am": the hour before it is from 1 to 12
	kPM                  // "pm": the hour before it is from 1 to 12
	kMorning             // a part of the day: the hour is not after noon
	kEvening             // a part of the day: the hour is after noon
	kMinutes             // n minutes after "e" or before "meno": "mezza" is 30
	kAnd                 // "e" in "10 e mezza"
	kMinus               // "meno" in "10 meno un quarto"
)

// entry is one meaning of one word or phrase.
type entry struct {
	word string
	kind kind
	n    int
}

// lexicon returns the words understood for a person whose language is lang:
// Italian, English, and lang's own when Nido has it.
func lexicon(lang string) []entry {
	lex := slices.Concat(italian(), english())
	base, _, _ := strings.Cut(strings.ToLower(strings.ReplaceAll(lang, "_", "-")), "-")
	switch base {
	case "fr":
		lex = append(lex, french()...)
	case "es":
		lex = append(lex, spanish()...)
	case "ro":
		lex = append(lex, romanian()...)
	case "uk":
		lex = append(lex, ukrainian()...)
	case "ar":
		lex = append(lex, arabic()...)
	}
	return lex
}

// index is a lexicon by word: every meaning of each word or phrase, in the
// lexicon's order. Indexes are built once, not for every text parsed, and
// only read after: the meanings found are shared by every parse.
type index map[string][]entry

// languages are the languages with words of their own, beyond Italian and
// English (lexicon's cases).
var languages = []string{"fr", "es", "ro", "uk", "ar"}

// indexes holds the index of each language's lexicon, "" for Italian and
// English alone.
var indexes = sync.OnceValue(func() map[string]index {
	out := map[string]index{}
	for _, lang := range append([]string{""}, languages...) {
		ix := index{}
		for _, e := range lexicon(lang) {
			ix[e.word] = append(ix[e.word], e)
		}
		out[lang] = ix
	}
	return out
})

// indexFor is the index of the words understood for a person whose
// language is lang.
func indexFor(lang string) index {
	all := indexes()
	base, _, _ := strings.Cut(strings.ToLower(strings.ReplaceAll(lang, "_", "-")), "-")
	if ix, ok := all[base]; ok {
		return ix
	}
	return all[""]
}

// lookup returns every meaning of word.
func lookup(lex index, word string) []entry { return lex[word] }

// allFiller reports whether every meaning says nothing.
func allFiller(means []entry) bool {
	for _, e := range means {
		if e.kind != kFiller {
			return false
		}
	}
	return true
}

// words gives each of ws the meaning k, n.
func words(k kind, n int, ws ...string) []entry {
	out := make([]entry, len(ws))
	for i, w := range ws {
		out[i] = entry{w, k, n}
	}
	return out
}

// weekdays names the days from Monday to Sunday; "|" separates spellings.
func weekdays(names ...string) []entry {
	var out []entry
	for i, alts := range names {
		out = append(out, words(kWeekday, (i+1)%7, strings.Split(alts, "|")...)...)
	}
	return out
}

// months names the months from January; "|" separates spellings.
func months(names ...string) []entry {
	var out []entry
	for i, alts := range names {
		out = append(out, words(kMonth, i+1, strings.Split(alts, "|")...)...)
	}
	return out
}

func italian() []entry {
	return slices.Concat(
		words(kRel, 0, "oggi", "stamattina", "stamani", "stasera"),
		words(kRel, 1, "domani"),
		words(kRel, 2, "dopodomani", "dopo domani"),
		words(kRel, -1, "ieri"),
		words(kRel, -2, "altro ieri", "altroieri", "avantieri"),
		weekdays("lunedi|lun", "martedi|mar", "mercoledi|mer", "giovedi|gio", "venerdi|ven", "sabato|sab", "domenica|dom"),
		months("gennaio|gen", "febbraio|feb", "marzo|mar", "aprile|apr", "maggio|mag", "giugno|giu",
			"luglio|lug", "agosto|ago", "settembre|set|sett", "ottobre|ott", "novembre|nov", "dicembre|dic"),
		words(kAt, 0, "alle", "all", "ore", "a", "verso"),
		words(kH, 0, "h"),
		words(kClock, 12, "mezzogiorno"),
		words(kClock, 0, "mezzanotte"),
		words(kMorning, 0, "mattina", "mattino", "stamattina", "stamani"),
		words(kEvening, 0, "pomeriggio", "sera", "stasera"),
		words(kMinutes, 30, "mezza", "mezzo"),
		words(kMinutes, 15, "quarto"),
		words(kMinutes, 45, "tre quarti"),
		words(kAnd, 0, "e"),
		words(kMinus, 0, "meno"),
		words(kFiller, 0, "il", "lo", "la", "l", "i", "le", "gli", "un", "una", "di", "del", "dell", "della",
			"dello", "dei", "al", "alla", "allo", "ai", "in", "per", "giorno", "questo", "questa",
			"prossimo", "prossima"),
	)
}

func english() []entry {
	return slices.Concat(
		words(kRel, 0, "today", "tonight"),
		words(kRel, 1, "tomorrow", "tmrw", "tmr", "tomorow", "tommorow"),
		words(kRel, 2, "day after tomorrow", "after tomorrow"),
		words(kRel, -1, "yesterday"),
		words(kRel, -2, "day before yesterday"),
		weekdays("monday|mon", "tuesday|tue|tues", "wednesday|wed", "thursday|thu|thur|thurs", "friday|fri",
			"saturday|sat", "sunday|sun"),
		months("january|jan", "february|feb", "march|mar", "april|apr", "may", "june|jun",
			"july|jul", "august|aug", "september|sep|sept", "october|oct", "november|nov", "december|dec"),
		words(kAt, 0, "at", "@", "around"),
		words(kH, 0, "o clock", "oclock"),
		words(kClock, 12, "noon", "midday"),
		words(kClock, 0, "midnight"),
		words(kAM, 0, "am"),
		words(kPM, 0, "pm"),
		words(kMorning, 0, "morning"),
		words(kEvening, 0, "afternoon", "evening", "tonight"),
		words(kFiller, 0, "the", "on", "of", "in", "this", "next"),
	)
}

func french() []entry {
	return slices.Concat(
		words(kRel, 0, "aujourd hui", "aujourdhui"),
		words(kRel, 1, "demain"),
		words(kRel, 2, "apres demain"),
		words(kRel, -1, "hier"),
		words(kRel, -2, "avant hier"),
		weekdays("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche"),
		months("janvier|janv", "fevrier|fevr|fev", "mars", "avril|avr", "mai", "juin",
			"juillet|juil", "aout", "septembre|sept", "octobre|oct", "novembre|nov", "decembre|dec"),
		words(kAt, 0, "a", "vers"),
		words(kH, 0, "h", "heure", "heures"),
		words(kClock, 12, "midi"),
		words(kClock, 0, "minuit"),
		words(kMorning, 0, "matin"),
		words(kEvening, 0, "apres midi", "soir"),
		words(kMinutes, 30, "demie", "demi"),
		words(kMinutes, 15, "quart"),
		words(kAnd, 0, "et"),
		words(kMinus, 0, "moins"),
		words(kFiller, 0, "le", "la", "l", "du", "de", "des", "ce", "cet", "cette", "prochain", "prochaine"),
	)
}

func spanish() []entry {
	return slices.Concat(
		words(kRel, 0, "hoy"),
		words(kRel, 1, "manana"),
		words(kRel, 2, "pasado manana"),
		words(kRel, -1, "ayer"),
		words(kRel, -2, "anteayer", "antier", "antes de ayer"),
		weekdays("lunes", "martes", "miercoles", "jueves", "viernes", "sabado", "domingo"),
		months("enero", "febrero", "marzo", "abril", "mayo", "junio",
			"julio", "agosto", "septiembre|setiembre", "octubre", "noviembre", "diciembre"),
		words(kAt, 0, "a", "las", "la"),
		words(kH, 0, "h", "hs", "horas"),
		words(kClock, 12, "mediodia"),
		words(kClock, 0, "medianoche"),
		words(kEvening, 0, "tarde", "noche"),
		words(kMinutes, 30, "media"),
		words(kMinutes, 15, "cuarto"),
		words(kAnd, 0, "y"),
		words(kMinus, 0, "menos"),
		words(kFiller, 0, "el", "de", "del", "por", "en", "este", "esta", "proximo", "proxima"),
	)
}

func romanian() []entry {
	return slices.Concat(
		words(kRel, 0, "azi", "astazi"),
		words(kRel, 1, "maine"),
		words(kRel, 2, "poimaine", "poi maine"),
		words(kRel, -2, "alaltaieri"), // "ieri" is Italian's too
		weekdays("luni|lunea", "marti|martea", "miercuri|miercurea", "joi|joia", "vineri|vinerea", "sambata", "duminica"),
		months("ianuarie", "februarie", "martie", "aprilie", "mai", "iunie",
			"iulie", "august", "septembrie", "octombrie", "noiembrie", "decembrie"),
		words(kAt, 0, "la", "ora"),
		words(kMorning, 0, "dimineata"),
		words(kEvening, 0, "seara", "dupa amiaza"),
		words(kMinutes, 30, "jumatate"),
		words(kMinutes, 15, "sfert"),
		words(kAnd, 0, "si"),
		words(kMinus, 0, "fara"),
		words(kFiller, 0, "pe", "de", "in", "un", "viitoare", "viitor", "aceasta"),
	)
}

func ukrainian() []entry {
	return slices.Concat(
		words(kRel, 0, "сьогодні"),
		words(kRel, 1, "завтра"),
		words(kRel, 2, "післязавтра"),
		words(kRel, -1, "вчора", "учора"),
		words(kRel, -2, "позавчора"),
		weekdays("понеділок|пн", "вівторок|вт", "середа|середу|ср", "четвер|чт", "пятниця|пятницю|пт",
			"субота|суботу|сб", "неділя|неділю|нд"),
		months("січень|січня", "лютий|лютого", "березень|березня", "квітень|квітня", "травень|травня",
			"червень|червня", "липень|липня", "серпень|серпня", "вересень|вересня", "жовтень|жовтня",
			"листопад|листопада", "грудень|грудня"),
		words(kAt, 0, "о", "об"),
		words(kH, 0, "год"),
		words(kMorning, 0, "ранку"),
		words(kEvening, 0, "вечора"),
		words(kFiller, 0, "в", "у", "на", "наступний", "наступного", "наступну", "наступної", "цей", "цю"),
	)
}

func arabic() []entry {
	return slices.Concat(
		words(kRel, 0, "اليوم"),
		words(kRel, 1, "غدا", "غد", "الغد", "بكره"),
		words(kRel, 2, "بعد غد", "بعد غدا", "بعد بكره"),
		words(kRel, -1, "امس", "الامس", "البارحه", "مبارح", "امبارح"),
		words(kRel, -2, "اول امس", "امس الاول"),
		weekdays("الاثنين|اثنين", "الثلاثاء|ثلاثاء", "الاربعاء|اربعاء", "الخميس|خميس", "الجمعه|جمعه",
			"السبت|سبت", "الاحد|احد"),
		// Egyptian and Gulf, Maghrebi, and Levantine names.
		months("يناير|جانفي|كانون الثاني", "فبراير|فيفري|شباط", "مارس|اذار", "ابريل|افريل|نيسان",
			"مايو|ماي|ايار", "يونيو|جوان|حزيران", "يوليو|جويليه|تموز", "اغسطس|اوت|اب", "سبتمبر|ايلول",
			"اكتوبر|تشرين الاول", "نوفمبر|تشرين الثاني", "ديسمبر|كانون الاول"),
		words(kAt, 0, "الساعه", "ساعه"),
		words(kAM, 0, "ص"),
		words(kPM, 0, "م"),
		words(kMorning, 0, "صباحا", "الصباح"),
		words(kEvening, 0, "مساء", "المساء", "ظهرا"),
		words(kFiller, 0, "يوم", "في", "علي", "القادم", "القادمه", "الجاي"),
	)
}
