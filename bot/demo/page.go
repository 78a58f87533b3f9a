package demo

import (
	"embed"
	"io/fs"
	"net/http"
)

// static holds the page: index.html, app.css and app.js.
//
//go:embed static
var staticFiles embed.FS

// contentSecurity allows only the page's own files and API: no inline
// script, no other origin, no framing.
const contentSecurity = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; " +
	"connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"

func (d *Demo) servePage(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Cache-Control", "no-store")
	http.ServeFileFS(w, r, staticFiles, "static/index.html")
}

func (d *Demo) static() http.Handler {
	sub, err := fs.Sub(staticFiles, "static")
	if err != nil {
		// The directory is embedded at build time: this cannot fail at run time.
		panic(err)
	}
	return http.StripPrefix("/static/", http.FileServerFS(sub))
}

// securityHeaders adds the headers every answer of the demo carries.
func securityHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Security-Policy", contentSecurity)
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "no-referrer")
		next.ServeHTTP(w, r)
	})
}
