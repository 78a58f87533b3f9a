package demo

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"nido/locales"
)

// The demo in a real browser: headless Chromium from Debian's packages,
// driven the way a visitor clicks and types.

var update = flag.Bool("update", false, "write the screenshot testdata/demo.png")

// chromium finds the browser, or skips the test unless
// NIDO_TEST_REQUIRE_BROWSER is set.
func chromium(t *testing.T) string {
	t.Helper()
	for _, name := range []string{"chromium", "chromium-browser"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	if os.Getenv("NIDO_TEST_REQUIRE_BROWSER") != "" {
		t.Fatal("chromium is not installed (apt-get install chromium) and NIDO_TEST_REQUIRE_BROWSER is set")
	}
	t.Skip("chromium is not installed: apt-get install chromium")
	return ""
}

// browser is one tab on the demo.
type browser struct {
	t   *testing.T
	ctx context.Context
	s   *stack
}

// openBrowser starts Chromium at exe on the page of s.
func openBrowser(t *testing.T, exe string, s *stack) *browser {
	t.Helper()
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(exe), chromedp.Headless, chromedp.NoSandbox, chromedp.DisableGPU,
		chromedp.NoFirstRun, chromedp.NoDefaultBrowserCheck, chromedp.UserDataDir(t.TempDir()),
		chromedp.Flag("disable-quic", true), chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true), chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-dev-shm-usage", true), chromedp.Flag("lang", "en-GB"),
		chromedp.WindowSize(1280, 800),
	}
	alloc, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancel := chromedp.NewContext(alloc)
	t.Cleanup(func() { cancel(); cancelAlloc() })
	b := &browser{t: t, ctx: ctx, s: s}
	// The first run starts the browser, with no timeout: a timeout would stop it.
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(1280, 800)); err != nil {
		t.Fatal(err)
	}
	b.do("open the page", chromedp.Navigate(s.srv.URL), chromedp.WaitVisible(chromedp.CSS(`.person[data-id="2001"]`)))
	return b
}

// do runs steps, each step of the test within 20 seconds.
func (b *browser) do(what string, steps ...chromedp.Action[chromedp.Void]) {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, 20*time.Second)
	defer cancel()
	if err := chromedp.Do(ctx, steps...); err != nil {
		b.t.Fatalf("%s: %v\nthe chat reads:\n%s", what, err, b.chatText())
	}
}

// chatText is what the chat shows, for a failure's message.
func (b *browser) chatText() string {
	ctx, cancel := context.WithTimeout(b.ctx, 5*time.Second)
	defer cancel()
	text, err := chromedp.Run(ctx, chromedp.Evaluate[string](
		`"clock: " + document.getElementById("clock-now").textContent + "\n" + document.getElementById("messages").innerText`))
	if err != nil {
		return err.Error()
	}
	return text
}

// run runs one step that returns a value.
func run[T any](b *browser, what string, step chromedp.Action[T]) T {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, 20*time.Second)
	defer cancel()
	v, err := chromedp.Run(ctx, step)
	if err != nil {
		b.t.Fatalf("%s: %v", what, err)
	}
	return v
}

// xpathString quotes s for XPath, which has no escapes.
func xpathString(s string) string {
	switch {
	case !strings.Contains(s, `"`):
		return `"` + s + `"`
	case !strings.Contains(s, `'`):
		return `'` + s + `'`
	}
	return `concat("` + strings.ReplaceAll(s, `"`, `", '"', "`) + `")`
}

const inChat = `//div[@id="messages"]`

// choose opens a person's phone.
func (b *browser) choose(id int64) {
	b.t.Helper()
	b.do(fmt.Sprint("choose person ", id), chromedp.Click(chromedp.CSS(fmt.Sprintf(`.person[data-id="%d"]`, id))),
		chromedp.WaitReady(chromedp.CSS(fmt.Sprintf(`.person[data-id="%d"][aria-current="true"]`, id))))
}

// write types text in the composer and sends it.
func (b *browser) write(text string) {
	b.t.Helper()
	b.do("write "+text, chromedp.SendKeys(chromedp.CSS("#composer-text"), text), chromedp.Click(chromedp.CSS("#send")))
}

// press clicks the latest inline button whose label is label.
func (b *browser) press(label string) {
	b.t.Helper()
	b.pressWhere("press "+label, "normalize-space(.)="+xpathString(label))
}

// pressWhere clicks the latest inline button that matches an XPath
// condition, once it is there. The click is the DOM's, on the element: a
// click at coordinates can land on a message that moved meanwhile.
func (b *browser) pressWhere(what, cond string) {
	b.t.Helper()
	b.clickXPath(what, `(`+inChat+`//button[contains(@class,"kb-btn")][`+cond+`])[last()]`)
}

// clickXPath waits for the element an XPath finds and clicks it.
func (b *browser) clickXPath(what, xpath string) {
	b.t.Helper()
	b.until(what, `(() => {
		const el = document.evaluate(`+strconv.Quote(xpath)+`, document, null, XPathResult.FIRST_ORDERED_NODE_TYPE, null).singleNodeValue;
		if (!el) return false;
		el.click();
		return true;
	})()`)
}

// see waits until a message in the chat contains text.
func (b *browser) see(text string) {
	b.t.Helper()
	text = strings.Join(strings.Fields(text), " ")
	b.do("see "+text, chromedp.WaitVisible(chromedp.Search(inChat+`//div[contains(@class,"bubble")][contains(normalize-space(.), `+xpathString(text)+`)]`)))
}

// until waits for a JavaScript condition on the page.
func (b *browser) until(what, js string) {
	b.t.Helper()
	b.do(what, func(ctx context.Context, t *chromedp.Target) (chromedp.Void, error) {
		_, err := chromedp.Poll[bool](js, chromedp.WithPollingTimeout(15*time.Second))(ctx, t)
		return chromedp.Void{}, err
	})
}

// wholeDate waits until the clock's date field shows the whole date and
// time. Its text is drawn inside the browser's own shadow tree, which the
// page cannot reach, and the field's scrollWidth equals its clientWidth
// even when the text is cut. So the field is compared with a copy of itself
// sized freely, as wide as the browser draws that date and time whole.
func (b *browser) wholeDate(what string) {
	b.t.Helper()
	b.until(what, `(() => {
		const field = document.getElementById("jump-to");
		if (!field.value) return false;
		const free = field.cloneNode();
		free.removeAttribute("id");
		free.style.cssText = "position: absolute; visibility: hidden; width: auto; min-width: 0; max-width: none; flex: none";
		field.parentNode.append(free);
		free.value = field.value;
		const need = free.getBoundingClientRect().width;
		free.remove();
		return field.getBoundingClientRect().width >= need - 0.5;
	})()`)
}

func TestBrowserInviteSignUpAppointmentReminder(t *testing.T) {
	exe := chromium(t)
	s := newStack(t)
	s.seed()
	b := openBrowser(t, exe, s)
	d := s.demo
	en, _ := locales.Find("en")

	// Chiara, a social worker, invites a mother from her menu.
	b.choose(chiaraID)
	b.write("/menu")
	b.press(d.label("it", "menu.invite"))
	b.press(d.label("it", "role.mother"))
	b.see(d.phrase("it", "invite.ask_name"))
	codes := run(b, "count the codes", chromedp.Evaluate[int](`document.querySelectorAll("#messages code").length`))
	b.write("Ioana")
	b.until("a new invite", fmt.Sprintf(`document.querySelectorAll("#messages code").length > %d`, codes))
	code := run(b, "read the code", chromedp.Text(chromedp.Search(`(`+inChat+`//code)[last()]`)))
	if len(code) != 8 {
		t.Fatalf("invite code %q", code)
	}

	// The invite link opens on Ioana's phone, ready to start.
	b.clickXPath("open the invite link", `(`+inChat+`//a[contains(@href, "?start=`+code+`")])[last()]`)
	b.until("the invite on Ioana's phone", fmt.Sprintf(
		`document.querySelector('.person[data-id="%d"]').getAttribute("aria-current") === "true" && `+
			`document.getElementById("composer-text").value === "/start %s"`, NewcomerID, code))
	b.do("send /start", chromedp.Click(chromedp.CSS("#send")))
	b.press(en.Native)
	b.press(d.label("en", "signup.accept"))
	b.see(d.phrase("en", "signup.accepted"))
	b.until("Ioana is a mother now", fmt.Sprintf(
		`document.querySelector('.person[data-id="%d"] .person-role').textContent === "Mother"`, NewcomerID))

	// An appointment with the buttons, on Wednesday at 09:30.
	b.press(d.label("en", "appointment.menu_new"))
	b.press(d.label("en", "appointment.kind_paediatrician"))
	b.pressWhere("press Wednesday", `contains(., "25/11")`)
	b.press("09:30")
	b.see(d.phrase("en", "appointment.ask_place"))
	b.write("Via Roma 1")
	b.see(d.phrase("en", "appointment.ask_note"))
	b.press(d.label("en", "appointment.skip"))
	b.see(d.phrase("en", "appointment.created"))
	href := run(b, "the calendar file", chromedp.AttributeValue(chromedp.Search(`(`+inChat+`//a[contains(@class,"doc")])[last()]`), "href"))
	if !strings.HasPrefix(href.Value, fmt.Sprintf("/api/files/%d/", NewcomerID)) {
		t.Errorf("the calendar file links to %q", href.Value)
	}

	// A day later the reminder comes, and she confirms.
	b.do("+1 day", chromedp.Click(chromedp.CSS("#plus-day")))
	b.until("the clock shows Tuesday", `document.getElementById("clock-now").textContent.includes("Tue, 24 Nov 2026, 12:00")`)
	b.see(d.phrase("en", "appointment.reminder_title"))
	b.press(d.label("en", "appointment.yes"))
	b.see(d.phrase("en", "appointment.confirmed"))

	if *update {
		b.until("no toast over the chat", `document.getElementById("toast").hidden`)
		shot := run(b, "screenshot", chromedp.CaptureScreenshot())
		if err := os.WriteFile(filepath.Join("testdata", "demo.png"), shot, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

func TestBrowserTextIsNeverHTML(t *testing.T) {
	exe := chromium(t)
	s := newStack(t)
	s.seed()
	b := openBrowser(t, exe, s)

	// What a person types shows as typed, tags and all.
	b.choose(NewcomerID)
	b.write(`<img src=x onerror="document.title='pwned'"><b>hi</b>`)
	b.see(`<b>hi</b>`)
	b.until("no element was made from the text",
		`document.querySelectorAll("#messages img, #messages .bubble b").length === 0 && document.title !== "pwned"`)

	// Arabic reads right to left.
	b.choose(aminaID)
	b.until("Amina's messages run right to left",
		`[...document.querySelectorAll("#messages .msg.bot .text")].some(e => getComputedStyle(e).direction === "rtl")`)
	// Telegram's <b> and <code> become elements, built from the entities.
	b.until("bold from entities", `document.querySelectorAll("#messages .msg.bot .text strong").length > 0`)
}

func TestBrowserOnAPhone(t *testing.T) {
	exe := chromium(t)
	s := newStack(t)
	b := openBrowser(t, exe, s)
	b.wholeDate("the clock's date and time, whole on a computer")
	b.do("a phone's screen", chromedp.EmulateViewport(390, 844, chromedp.EmulateScale(2)))
	b.until("the people first", `getComputedStyle(document.querySelector(".chat")).display === "none"`)
	b.wholeDate("the clock's date and time, whole on a phone")
	b.choose(aminaID)
	b.until("then the chat alone", `getComputedStyle(document.querySelector(".people")).display === "none" && `+
		`getComputedStyle(document.getElementById("back")).display !== "none"`)
	b.do("back", chromedp.Click(chromedp.CSS("#back")))
	b.until("the people again", `getComputedStyle(document.querySelector(".people")).display !== "none"`)
}
