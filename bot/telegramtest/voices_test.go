package telegramtest

import (
	"testing"

	tg "github.com/go-telegram/bot"
	"github.com/go-telegram/bot/models"
)

// A person's voice message reaches the bot as an update with its file id;
// the bot can send it on to someone else by that id, never by an unknown
// one, and nothing is downloaded.
func TestVoiceSentOnByFileID(t *testing.T) {
	fake := NewTestServer(t)
	c := newCollector()
	b := startBot(t, fake, c.handle)
	family := User{ID: 1001, FirstName: "Marco"}
	staff := User{ID: 1002, FirstName: "Anna"}
	fake.SendText(staff, "/start")
	_, fileID := fake.SendVoice(family, 12)
	ups := c.waitFor(t, 2)
	var v *models.Voice
	for _, u := range ups {
		if u.Message != nil && u.Message.Voice != nil {
			v = u.Message.Voice
		}
	}
	if v == nil || v.FileID != fileID || v.Duration != 12 || v.MimeType != "audio/ogg" {
		t.Fatalf("voice update = %+v, want file %s of 12 s", v, fileID)
	}
	got, err := b.SendVoice(testCtx(t), &tg.SendVoiceParams{ChatID: staff.ID, Voice: &models.InputFileString{Data: fileID},
		Caption: "<b>Marco</b>", ParseMode: models.ParseModeHTML})
	if err != nil || got.Voice == nil || got.Voice.FileID != fileID || got.Caption != "Marco" {
		t.Fatalf("SendVoice = %+v, %v", got, err)
	}
	if m, _ := fake.Last(staff.ID); m.Voice == nil || m.Voice.FileID != fileID || m.Voice.Caption != "<b>Marco</b>" {
		t.Errorf("recorded %+v", m.Voice)
	}
	_, err = b.SendVoice(testCtx(t), &tg.SendVoiceParams{ChatID: staff.ID, Voice: &models.InputFileString{Data: "nope"}})
	wantDesc(t, err, tg.ErrorBadRequest, "wrong file identifier/HTTP URL specified")
	if n := fake.Calls("getFile"); n != 0 {
		t.Errorf("getFile called %d times", n)
	}
}
