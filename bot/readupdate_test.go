package bot

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"

	"github.com/go-telegram/bot/models"
)

// updatesSeen are updates as Telegram sends them, one of each shape Nido
// meets; a press carries the pressed message whole, keyboard and all.
var updatesSeen = map[string]string{
	"text":      `{"update_id":1,"message":{"message_id":3,"date":1700000000,"chat":{"id":42,"type":"private","first_name":"Amina"},"from":{"id":42,"is_bot":false,"first_name":"Amina","language_code":"ar"},"text":"/start@nido_bot X","entities":[{"type":"bot_command","offset":0,"length":15}]}}`,
	"caption":   `{"update_id":2,"message":{"message_id":4,"date":1700000000,"chat":{"id":42,"type":"private"},"from":{"id":42,"first_name":"Amina"},"photo":[{"file_id":"p","file_unique_id":"u","width":9,"height":9}],"caption":"look"}}`,
	"voice":     `{"update_id":3,"message":{"message_id":5,"date":1700000000,"chat":{"id":42,"type":"private"},"from":{"id":42,"first_name":"Amina"},"voice":{"file_id":"v1","file_unique_id":"u","duration":3}}}`,
	"group":     `{"update_id":4,"message":{"message_id":6,"date":1700000000,"chat":{"id":-7,"type":"group","title":"g"},"from":{"id":42,"first_name":"Amina"},"text":"hi"}}`,
	"no sender": `{"update_id":5,"message":{"message_id":7,"date":1700000000,"chat":{"id":42,"type":"private"},"text":"hi"}}`,
	"press": `{"update_id":6,"callback_query":{"id":"q1","from":{"id":42,"first_name":"Amina","language_code":"it"},"chat_instance":"c","data":"DATA",` +
		`"message":{"message_id":8,"date":1700000000,"chat":{"id":42,"type":"private"},"from":{"id":1,"is_bot":true,"first_name":"Nido"},` +
		`"text":"` + strings.Repeat("Promemoria: pediatra ", 20) + `","entities":[{"type":"bold","offset":0,"length":11}],` +
		`"reply_markup":{"inline_keyboard":[[{"text":"Sì","callback_data":"a"},{"text":"No","callback_data":"b"}],[{"text":"Spostare","callback_data":"c"}]]}}}}`,
	"press on an old message": `{"update_id":7,"callback_query":{"id":"q2","from":{"id":42,"first_name":"Amina"},"data":"DATA","message":{"message_id":9,"date":0,"chat":{"id":42,"type":"private"}}}}`,
	"press in a group":        `{"update_id":8,"callback_query":{"id":"q3","from":{"id":42,"first_name":"Amina"},"data":"DATA","message":{"message_id":9,"date":1700000000,"chat":{"id":-7,"type":"group"}}}}`,
	"inline press":            `{"update_id":9,"callback_query":{"id":"q4","from":{"id":42,"first_name":"Amina"},"inline_message_id":"i","data":"DATA"}}`,
	"edited":                  `{"update_id":10,"edited_message":{"message_id":3,"date":1700000000,"edit_date":1700000001,"chat":{"id":42,"type":"private"},"from":{"id":42,"first_name":"Amina"},"text":"x"}}`,
	"member":                  `{"update_id":11,"my_chat_member":{"chat":{"id":42,"type":"private"},"from":{"id":42,"first_name":"Amina"},"date":1700000000,"old_chat_member":{"status":"member","user":{"id":1,"is_bot":true,"first_name":"Nido"}},"new_chat_member":{"status":"kicked","user":{"id":1,"is_bot":true,"first_name":"Nido"},"until_date":0}}}`,
}

// TestReadUpdateReadsWhatTheLibraryDoes: for every shape of update, what
// Nido takes from readUpdate (the chat, the kind, the flows' input) is what
// it takes from the library's own decoding.
func TestReadUpdateReadsWhatTheLibraryDoes(t *testing.T) {
	sg := signer{key: []byte("0123456789abcdef0123456789abcdef")}
	for name, raw := range updatesSeen {
		t.Run(name, func(t *testing.T) {
			var want models.Update
			if err := json.Unmarshal([]byte(raw), &want); err != nil {
				t.Fatal(err)
			}
			got, err := readUpdate([]byte(raw))
			if err != nil {
				t.Fatal(err)
			}
			type read struct {
				Chat  int64
				Ours  bool
				Kind  string
				In    any
				For   bool
				Press string
			}
			of := func(u *models.Update) read {
				chat, ours := chatOf(u)
				in, ok := toInput(u, "nido_bot", sg)
				r := read{Chat: chat, Ours: ours, Kind: kindOf(u), In: in, For: ok}
				if u.CallbackQuery != nil {
					r.Press = u.CallbackQuery.ID
				}
				return r
			}
			if g, w := of(&got), of(&want); !reflect.DeepEqual(g, w) {
				t.Errorf("read\n%+v\nwant\n%+v", g, w)
			}
		})
	}
	if _, err := readUpdate([]byte(`{"update_id":"x"}`)); err == nil {
		t.Error("an update id that is not a number was read")
	}
}

// BenchmarkReadUpdate: readUpdate against the library's decoding of the
// same press (go test -bench ReadUpdate ./bot/).
func BenchmarkReadUpdate(b *testing.B) {
	raw := []byte(updatesSeen["press"])
	b.Run("library", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			var u models.Update
			if err := json.Unmarshal(raw, &u); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("readUpdate", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := readUpdate(raw); err != nil {
				b.Fatal(err)
			}
		}
	})
}
