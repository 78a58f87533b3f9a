package when

import (
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"
)

// rome is where Nido's users live; the tests need the tz database.
func rome(t testing.TB) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation("Europe/Rome")
	if err != nil {
		t.Fatalf("load Europe/Rome: %v", err)
	}
	return loc
}

// The moments the table is typed at.
const (
	monday   = "2026-11-23 10:00" // a Monday morning
	saturday = "2026-11-28 21:00" // a Saturday evening
	newYear  = "2026-12-31 23:30" // a Thursday, just before the year changes
	spring   = "2026-03-27 12:00" // a Friday; clocks go forward on Sunday the 29th
)

func at(t testing.TB, s string) time.Time {
	t.Helper()
	now, err := time.ParseInLocation("2006-01-02 15:04", s, rome(t))
	if err != nil {
		t.Fatal(err)
	}
	return now
}

func day(y int, m time.Month, d int) Result {
	return Result{HasDate: true, Year: y, Month: m, Day: d}
}

func hm(h, m int) Result { return Result{HasTime: true, Hour: h, Minute: m} }

func dt(y int, m time.Month, d, h, min int) Result {
	return Result{HasDate: true, HasTime: true, Year: y, Month: m, Day: d, Hour: h, Minute: min}
}

// parseCase is one typed text and what Parse must make of it.
type parseCase struct {
	now, lang, text string
	want            Result
	err             error
	choices         []Result // for ErrAmbiguous
}

func parseCases() []parseCase {
	return []parseCase{
		// Italian, typed on Monday 23 November 2026 at 10:00.
		{now: monday, lang: "it", text: "25/02", want: day(2027, 2, 25)},
		{now: monday, lang: "it", text: "25/2/2027", want: day(2027, 2, 25)},
		{now: monday, lang: "it", text: "25-02 9:30", want: dt(2027, 2, 25, 9, 30)},
		{now: monday, lang: "it", text: "25.02.27", want: day(2027, 2, 25)},
		{now: monday, lang: "it", text: "25 / 02 / 2027", want: day(2027, 2, 25)},
		{now: monday, lang: "it", text: "2027-02-25", want: day(2027, 2, 25)},
		{now: monday, lang: "it", text: "9.30", want: hm(9, 30)},
		{now: monday, lang: "it", text: "9:30", want: hm(9, 30)},
		{now: monday, lang: "it", text: "9,30", want: hm(9, 30)},
		{now: monday, lang: "it", text: "ore 9", want: hm(9, 0)},
		{now: monday, lang: "it", text: "alle 9", want: hm(9, 0)},
		{now: monday, lang: "it", text: "h 9", want: hm(9, 0)},
		{now: monday, lang: "it", text: "h9", want: hm(9, 0)},
		{now: monday, lang: "it", text: "9h30", want: hm(9, 30)},
		{now: monday, lang: "it", text: "domani alle 10", want: dt(2026, 11, 24, 10, 0)},
		{now: monday, lang: "it", text: "dopodomani 15:30", want: dt(2026, 11, 25, 15, 30)},
		{now: monday, lang: "it", text: "dopo domani alle 15", want: dt(2026, 11, 25, 15, 0)},
		{now: monday, lang: "it", text: "oggi 18", want: dt(2026, 11, 23, 18, 0)},
		{now: monday, lang: "it", text: "lunedì 10", want: dt(2026, 11, 30, 10, 0)},
		{now: monday, lang: "it", text: "lunedi 10", want: dt(2026, 11, 30, 10, 0)},
		{now: monday, lang: "it", text: "lun 10", want: dt(2026, 11, 30, 10, 0)},
		{now: monday, lang: "it", text: "Lunedi\u0300 10", want: dt(2026, 11, 30, 10, 0)}, // a combining accent
		{now: monday, lang: "it", text: "martedì prossimo", want: day(2026, 11, 24)},
		{now: monday, lang: "it", text: "domenica prossima alle 11", want: dt(2026, 11, 29, 11, 0)},
		{now: monday, lang: "it", text: "mar 10", want: dt(2026, 11, 24, 10, 0)},
		{now: monday, lang: "it", text: "10 mar", want: day(2027, 3, 10)},
		{now: monday, lang: "en", text: "Mar 7 2027, 00h00", want: dt(2027, 3, 7, 0, 0)},
		{now: monday, lang: "it", text: "25.02.10:30", want: dt(2027, 2, 25, 10, 30)},
		{now: monday, lang: "it", text: "25 febbraio", want: day(2027, 2, 25)},
		{now: monday, lang: "it", text: "25 feb 2027 ore 10:15", want: dt(2027, 2, 25, 10, 15)},
		{now: monday, lang: "it", text: "il 25 di febbraio alle ore 10.15", want: dt(2027, 2, 25, 10, 15)},
		{now: monday, lang: "it", text: "l'11 febbraio", want: day(2027, 2, 11)},
		{now: monday, lang: "it", text: "Giovedì 26 novembre alle 9", want: dt(2026, 11, 26, 9, 0)},
		{now: monday, lang: "it", text: "mezzogiorno", want: hm(12, 0)},
		{now: monday, lang: "it", text: "domani a mezzogiorno", want: dt(2026, 11, 24, 12, 0)},
		{now: monday, lang: "it", text: "10 e mezza", want: hm(10, 30)},
		{now: monday, lang: "it", text: "domani alle 10 e un quarto", want: dt(2026, 11, 24, 10, 15)},
		{now: monday, lang: "it", text: "10 meno un quarto", want: hm(9, 45)},
		{now: monday, lang: "it", text: "  DOMANI   alle   10!!  ", want: dt(2026, 11, 24, 10, 0)},
		{now: monday, lang: "it", text: "domani, alle 10.", want: dt(2026, 11, 24, 10, 0)},
		{now: monday, lang: "it", text: "domani mattina", want: day(2026, 11, 24)},
		{now: monday, lang: "it", text: "alle 3 del pomeriggio", want: hm(15, 0)},
		{now: monday, lang: "it", text: "alle 10 di sera", want: hm(22, 0)},
		{now: monday, lang: "it", text: "stasera alle 8", want: dt(2026, 11, 23, 20, 0)},
		{now: monday, lang: "it", text: "03:30", want: hm(3, 30)},
		{now: monday, lang: "it", text: "23/11", want: day(2026, 11, 23)}, // today counts
		{now: monday, lang: "it", text: "22/11", want: day(2027, 11, 22)},
		{now: monday, lang: "it", text: "29/02/2028", want: day(2028, 2, 29)},
		{now: monday, lang: "it", text: "domani 10.11", want: dt(2026, 11, 24, 10, 11)},
		{now: monday, lang: "it", text: "10.11 ore 9", want: dt(2027, 11, 10, 9, 0)},
		{now: monday, lang: "it", text: "domani " + strings.Repeat(" ", 190), want: day(2026, 11, 24)},
		{now: monday, lang: "it", text: "ieri alle 10", want: dt(2026, 11, 22, 10, 0)}, // read, and past
		{now: monday, lang: "it", text: "ieri", want: day(2026, 11, 22)},
		{now: monday, lang: "it", text: "l'altro ieri alle 15", want: dt(2026, 11, 21, 15, 0)},
		{now: monday, lang: "it", text: "avantieri", want: day(2026, 11, 21)},
		{now: monday, lang: "it", text: "ieri sera alle 9", want: dt(2026, 11, 22, 21, 0)},

		// Italian mistakes and doubts.
		{now: monday, lang: "it", text: "31/02", err: ErrInvalidDate},
		{now: monday, lang: "it", text: "29/02/2027", err: ErrInvalidDate},
		{now: monday, lang: "it", text: "29/02", err: ErrInvalidDate}, // the next one is in 2027
		{now: monday, lang: "it", text: "32/1", err: ErrInvalidDate},
		{now: monday, lang: "it", text: "15/13", err: ErrInvalidDate},
		{now: monday, lang: "it", text: "31 aprile", err: ErrInvalidDate},
		{now: monday, lang: "it", text: "25:00", err: ErrInvalidTime},
		{now: monday, lang: "it", text: "9:75", err: ErrInvalidTime},
		{now: monday, lang: "it", text: "oggi alle 24", err: ErrInvalidTime},
		{now: monday, lang: "it", text: "alle 25", err: ErrInvalidTime},
		{now: monday, lang: "it", text: "martedì 24", err: ErrAmbiguous}, // the 24th, or 24:00?
		{now: monday, lang: "it", text: "ciao", err: ErrNotUnderstood},
		{now: monday, lang: "it", text: "", err: ErrNotUnderstood},
		{now: monday, lang: "it", text: "   ...  ", err: ErrNotUnderstood},
		{now: monday, lang: "it", text: "domani o dopodomani", err: ErrNotUnderstood},
		{now: monday, lang: "it", text: "9:5", err: ErrNotUnderstood},
		{now: monday, lang: "it", text: "febbraio", err: ErrNotUnderstood},
		{now: monday, lang: "it", text: "domani 10 11", err: ErrNotUnderstood},
		{now: monday, lang: "it", text: "domani " + strings.Repeat(" ", 194), err: ErrNotUnderstood}, // 201 characters
		{now: monday, lang: "it", text: "domani dopodomani", err: ErrAmbiguous},
		{now: monday, lang: "it", text: "venerdì 26 novembre", err: ErrAmbiguous}, // the 26th is a Thursday
		{now: monday, lang: "it", text: "domani alle 10 e alle 11", err: ErrAmbiguous},
		{now: monday, lang: "it", text: "18", err: ErrAmbiguous},
		{now: monday, lang: "it", text: "alle 3", err: ErrAmbiguous, choices: []Result{hm(3, 0), hm(15, 0)}},
		{now: monday, lang: "it", text: "domani 3:30", err: ErrAmbiguous,
			choices: []Result{dt(2026, 11, 24, 3, 30), dt(2026, 11, 24, 15, 30)}},
		{now: monday, lang: "it", text: "10.11", err: ErrAmbiguous, choices: []Result{day(2027, 11, 10), hm(10, 11)}},

		// English.
		{now: monday, lang: "en", text: "tomorrow 10am", want: dt(2026, 11, 24, 10, 0)},
		{now: monday, lang: "en", text: "next monday 3pm", want: dt(2026, 11, 30, 15, 0)},
		{now: monday, lang: "en", text: "3:30 pm", want: hm(15, 30)},
		{now: monday, lang: "en", text: "noon", want: hm(12, 0)},
		{now: monday, lang: "en", text: "12am", want: hm(0, 0)},
		{now: monday, lang: "en", text: "12 pm", want: hm(12, 0)},
		{now: monday, lang: "en", text: "Feb 25th 2027 at 10:15", want: dt(2027, 2, 25, 10, 15)},
		{now: monday, lang: "en", text: "the 25th of February", want: day(2027, 2, 25)},
		{now: monday, lang: "en", text: "today at 6pm", want: dt(2026, 11, 23, 18, 0)},
		{now: monday, lang: "en", text: "sunday 11 o'clock", want: dt(2026, 11, 29, 11, 0)},
		{now: monday, lang: "en", text: "the day after tomorrow @ 9:45", want: dt(2026, 11, 25, 9, 45)},
		{now: monday, lang: "en", text: "friday morning", want: day(2026, 11, 27)},
		{now: monday, lang: "en", text: "tonight 8", want: dt(2026, 11, 23, 20, 0)},
		{now: monday, lang: "en", text: "02/03", want: day(2027, 3, 2)}, // day first, never US
		{now: monday, lang: "en-US", text: "2/3/27 5pm", want: dt(2027, 3, 2, 17, 0)},
		{now: monday, lang: "en", text: "friday 9 a.m.", want: dt(2026, 11, 27, 9, 0)},
		{now: monday, lang: "en", text: "5.30 p.m", want: hm(17, 30)},
		{now: monday, lang: "en", text: "yesterday at 10", want: dt(2026, 11, 22, 10, 0)},
		{now: monday, lang: "en", text: "the day before yesterday", want: day(2026, 11, 21)},
		{now: monday, lang: "en", text: "13pm", err: ErrInvalidTime},
		{now: monday, lang: "en", text: "3 pm in the morning", err: ErrAmbiguous},
		{now: monday, lang: "en", text: "maybe tomorrow", err: ErrNotUnderstood},

		// French, Spanish, Romanian, Ukrainian, Arabic.
		{now: monday, lang: "fr", text: "demain à 10h", want: dt(2026, 11, 24, 10, 0)},
		{now: monday, lang: "fr", text: "après-demain 14h30", want: dt(2026, 11, 25, 14, 30)},
		{now: monday, lang: "fr", text: "aujourd'hui midi", want: dt(2026, 11, 23, 12, 0)},
		{now: monday, lang: "fr", text: "vendredi 1er janvier 2027 à 9h", want: dt(2027, 1, 1, 9, 0)},
		{now: monday, lang: "fr", text: "Mardi prochain à 4h de l'après-midi", want: dt(2026, 11, 24, 16, 0)},
		{now: monday, lang: "es", text: "mañana a las 10", want: dt(2026, 11, 24, 10, 0)},
		{now: monday, lang: "es", text: "pasado mañana 15:30", want: dt(2026, 11, 25, 15, 30)},
		{now: monday, lang: "es", text: "el miércoles a las 9 y media", want: dt(2026, 11, 25, 9, 30)},
		{now: monday, lang: "es", text: "25 de febrero", want: day(2027, 2, 25)},
		{now: monday, lang: "ro", text: "mâine la ora 10", want: dt(2026, 11, 24, 10, 0)},
		{now: monday, lang: "ro", text: "poimaine 15:30", want: dt(2026, 11, 25, 15, 30)},
		{now: monday, lang: "ro", text: "sâmbătă la 9", want: dt(2026, 11, 28, 9, 0)},
		{now: monday, lang: "ro", text: "25 februarie 2027", want: day(2027, 2, 25)},
		{now: monday, lang: "uk", text: "завтра о 10", want: dt(2026, 11, 24, 10, 0)},
		{now: monday, lang: "uk", text: "в п'ятницю о 9:30", want: dt(2026, 11, 27, 9, 30)},
		{now: monday, lang: "uk", text: "25 лютого", want: day(2027, 2, 25)},
		{now: monday, lang: "uk", text: "Післязавтра", want: day(2026, 11, 25)},
		{now: monday, lang: "ar", text: "٢٥/٠٢", want: day(2027, 2, 25)},
		{now: monday, lang: "ar", text: "غداً الساعة ١٠", want: dt(2026, 11, 24, 10, 0)},
		{now: monday, lang: "ar", text: "الإثنين ٩:٣٠", want: dt(2026, 11, 30, 9, 30)},
		{now: monday, lang: "ar", text: "٢٥ فبراير", want: day(2027, 2, 25)},
		{now: monday, lang: "ar", text: "بعد غد ٤ م", want: dt(2026, 11, 25, 16, 0)},
		{now: monday, lang: "ar", text: "١ كانون الثاني", want: day(2027, 1, 1)},
		{now: monday, lang: "fr", text: "hier à 10h", want: dt(2026, 11, 22, 10, 0)},
		{now: monday, lang: "fr", text: "avant-hier", want: day(2026, 11, 21)},
		{now: monday, lang: "es", text: "ayer a las 10", want: dt(2026, 11, 22, 10, 0)},
		{now: monday, lang: "es", text: "antes de ayer", want: day(2026, 11, 21)},
		{now: monday, lang: "ro", text: "ieri la ora 10", want: dt(2026, 11, 22, 10, 0)},
		{now: monday, lang: "ro", text: "alaltăieri", want: day(2026, 11, 21)},
		{now: monday, lang: "uk", text: "вчора о 10", want: dt(2026, 11, 22, 10, 0)},
		{now: monday, lang: "uk", text: "позавчора", want: day(2026, 11, 21)},
		{now: monday, lang: "ar", text: "أمس الساعة ١٠", want: dt(2026, 11, 22, 10, 0)},
		{now: monday, lang: "ar", text: "البارحة", want: day(2026, 11, 22)},
		{now: monday, lang: "ar", text: "أول أمس", want: day(2026, 11, 21)},
		{now: newYear, lang: "it", text: "ieri", want: day(2026, 12, 30)},
		{now: monday, lang: "it", text: "ieri domani", err: ErrAmbiguous},
		{now: monday, lang: "it", text: "domani ४ pm", want: dt(2026, 11, 24, 16, 0)}, // Devanagari digit
		{now: monday, lang: "it", text: "mañana", err: ErrNotUnderstood},              // Spanish only for Spanish speakers

		// A Saturday evening.
		{now: saturday, lang: "it", text: "sabato", want: day(2026, 12, 5)},
		{now: saturday, lang: "it", text: "oggi 22", want: dt(2026, 11, 28, 22, 0)},
		{now: saturday, lang: "it", text: "domenica alle 10", want: dt(2026, 11, 29, 10, 0)},
		{now: saturday, lang: "it", text: "domani", want: day(2026, 11, 29)},
		{now: saturday, lang: "it", text: "28/11", want: day(2026, 11, 28)},
		{now: saturday, lang: "it", text: "lunedì 30 novembre ore 8:45", want: dt(2026, 11, 30, 8, 45)},

		// New Year's Eve: the year rolls over.
		{now: newYear, lang: "it", text: "01/01", want: day(2027, 1, 1)},
		{now: newYear, lang: "it", text: "31/12", want: day(2026, 12, 31)},
		{now: newYear, lang: "it", text: "30/12", want: day(2027, 12, 30)},
		{now: newYear, lang: "it", text: "domani 9", want: dt(2027, 1, 1, 9, 0)},
		{now: newYear, lang: "it", text: "venerdì", want: day(2027, 1, 1)},
		{now: newYear, lang: "it", text: "dopodomani", want: day(2027, 1, 2)},
		{now: newYear, lang: "en", text: "jan 4 7:30", want: dt(2027, 1, 4, 7, 30)},

		// Clocks go forward at 02:00 on Sunday 29 March 2026 in Rome.
		{now: spring, lang: "it", text: "29/03 ore 02:30", err: ErrInvalidTime},
		{now: spring, lang: "it", text: "domenica alle 02:00", err: ErrInvalidTime},
		{now: spring, lang: "it", text: "domenica alle 03:00", want: dt(2026, 3, 29, 3, 0)},
		{now: spring, lang: "it", text: "29/03 ore 2:30", err: ErrAmbiguous, choices: []Result{dt(2026, 3, 29, 14, 30)}},
		{now: spring, lang: "it", text: "25/10 02:30", want: dt(2026, 10, 25, 2, 30)}, // happens twice
	}
}

func TestParse(t *testing.T) {
	for _, c := range parseCases() {
		t.Run(c.lang+" "+c.now[:10]+" "+c.text, func(t *testing.T) {
			got, err := Parse(c.text, c.lang, at(t, c.now))
			if c.err == nil {
				if err != nil || got != c.want {
					t.Fatalf("Parse(%q) = %+v, %v; want %+v", c.text, got, err, c.want)
				}
				return
			}
			if !errors.Is(err, c.err) {
				t.Fatalf("Parse(%q) = %+v, %v; want error %v", c.text, got, err, c.err)
			}
			var amb *AmbiguousError
			if c.choices != nil && (!errors.As(err, &amb) || !reflect.DeepEqual(amb.Choices, c.choices)) {
				t.Fatalf("Parse(%q) error %v; want choices %+v", c.text, err, c.choices)
			}
		})
	}
}
