package demo

import (
	"nido/bot/telegramtest"
	"nido/flows"
)

// Person is someone of the demo's network whom the visitor can play.
type Person struct {
	// ID is their Telegram user id, which is also their chat's id.
	ID int64
	// First and Last are the names set in their Telegram app.
	First, Last string
	// Lang is their Telegram app's language, and the one they choose in Nido.
	Lang string
	// Role is what the seed makes of them (flows.RoleAdmin...), "" for the
	// newcomer whom the visitor signs up.
	Role string
	// About says who they are in the story, under their name on the page.
	About string
}

// Name is the person's full name.
func (p Person) Name() string {
	if p.Last == "" {
		return p.First
	}
	return p.First + " " + p.Last
}

func (p Person) user() telegramtest.User {
	return telegramtest.User{ID: p.ID, FirstName: p.First, LastName: p.Last, LanguageCode: p.Lang}
}

// The people the seed needs by name.
const (
	// AdminID is the demo's administrator, whom main puts in NIDO_ADMIN_IDS.
	AdminID   int64 = 1001
	chiaraID  int64 = 2001
	marcoID   int64 = 2002
	aminaID   int64 = 3001
	olenaID   int64 = 3002
	mariaID   int64 = 3003
	bianchiID int64 = 4001
	martinID  int64 = 4002
	// NewcomerID is the person who is not in Nido yet: the visitor signs her up.
	NewcomerID int64 = 5001
)

// Cast lists the demo's people in the order the page shows them.
func Cast() []Person {
	return []Person{
		{ID: AdminID, First: "Giulia", Last: "Conti", Lang: "it", Role: flows.RoleAdmin,
			About: "Administrator of the network"},
		{ID: chiaraID, First: "Chiara", Last: "Rossi", Lang: "it", Role: flows.RoleStaff,
			About: "Social worker at Casa Aurora"},
		{ID: marcoID, First: "Marco", Last: "Ferri", Lang: "en", Role: flows.RoleStaff,
			About: "Social worker at Casa Aurora, reads Nido in English"},
		{ID: aminaID, First: "Amina", Lang: "ar", Role: flows.RoleMother, About: "Mother, followed by Chiara"},
		{ID: olenaID, First: "Olena", Lang: "uk", Role: flows.RoleMother, About: "Mother, followed by Chiara"},
		{ID: mariaID, First: "Maria", Lang: "it", Role: flows.RoleMother, About: "Mother, followed by Marco"},
		{ID: bianchiID, First: "Lucia", Last: "Bianchi", Lang: "it", Role: flows.RoleFamily,
			About: "Solidarity family"},
		{ID: martinID, First: "Élise", Last: "Martin", Lang: "fr", Role: flows.RoleFamily,
			About: "Solidarity family"},
		{ID: NewcomerID, First: "Ioana", Lang: "ro",
			About: "Not in Nido yet: invite her as Chiara, then sign her up"},
	}
}

// castByID finds a person of the cast.
func castByID(id int64) (Person, bool) {
	for _, p := range Cast() {
		if p.ID == id {
			return p, true
		}
	}
	return Person{}, false
}

// flagOf is the emoji shown beside a language.
func flagOf(lang string) string {
	switch lang {
	case "it":
		return "🇮🇹"
	case "en":
		return "🇬🇧"
	case "fr":
		return "🇫🇷"
	case "es":
		return "🇪🇸"
	case "ar":
		return "🇸🇦"
	case "ro":
		return "🇷🇴"
	case "uk":
		return "🇺🇦"
	}
	return "🌐"
}

// roleLabel names a role on the page, which is in English.
func roleLabel(role string) string {
	switch role {
	case flows.RoleAdmin:
		return "Administrator"
	case flows.RoleStaff:
		return "Social worker"
	case flows.RoleMother:
		return "Mother"
	case flows.RoleFamily:
		return "Solidarity family"
	}
	return "Not signed up yet"
}
