package bot

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"time"
)

// wholeBodies is the HTTP client go-telegram/bot sends Nido's calls with.
// The library writes each call's form into a pipe as it builds it, which
// net/http sends chunked, flushing every piece: a sendMessage cost a write
// to the socket per field. Read whole first, a call goes out with its
// length in one write, which is most of what a reply costs Nido's CPU
// after Redis. The forms are small (a message, a calendar file).
type wholeBodies struct{ c *http.Client }

// telegramTimeout bounds one call to Telegram, as the library's own client does.
const telegramTimeout = time.Minute

// telegramTransport keeps open as many connections to Telegram as Nido
// makes calls at once: each worker's, the poller's, the jobs' and a
// broadcast's. net/http's default keeps two idle per host and closes the
// others after their call, so eight workers answering at once dialled a
// new connection (and started its two goroutines) for most calls.
func telegramTransport(workers int) *http.Transport {
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.MaxIdleConnsPerHost = workers + 8
	return t
}

func (w wholeBodies) Do(r *http.Request) (*http.Response, error) {
	if r.Body == nil || r.Body == http.NoBody || r.ContentLength > 0 {
		return w.c.Do(r)
	}
	var buf bytes.Buffer
	_, err := buf.ReadFrom(r.Body)
	r.Body.Close()
	if err != nil {
		return nil, fmt.Errorf("build request: %w", err)
	}
	body := buf.Bytes()
	r.ContentLength = int64(len(body))
	r.Body = io.NopCloser(bytes.NewReader(body))
	r.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(body)), nil }
	return w.c.Do(r)
}
