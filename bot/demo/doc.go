// Package demo is Nido in a browser. A page that looks like a phone's chat
// app lets a visitor play every person of a small network (an administrator,
// two social workers, three mothers, two solidarity families, and someone not
// signed up yet) against the real bot, flows and scheduler.
//
// Telegram is the fake of bot/telegramtest, so the demo never talks to the
// real Telegram and needs no token; the clock is a clock.Manual, the one the
// flows and the scheduler read, which the page moves so that reminders and
// digests come in minutes instead of days. main wires it for `go run . demo`:
//
//	d := demo.New(demo.Config{Telegram: fake, Clock: clk, ...}) // before any chat starts
//	go d.Seed(ctx)                                            // the network, through the front door
//	http.Serve(ln, d.Handler())
//	d.Close()
//
// The page is embedded (static/): plain HTML, CSS and JavaScript, no build
// step. It renders what the bot sent from Telegram's entities (the visible
// text and its bold, code and links), never as HTML, so nothing a message
// holds can reach the page's DOM as markup.
package demo
