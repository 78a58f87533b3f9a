package telegramtest

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
)

// apiError is a failed Bot API call, answered the way Telegram answers it.
type apiError struct {
	code        int
	description string
	retryAfter  int
	// fake marks a call that Telegram might accept but this fake cannot
	// judge; it is also recorded in Errors so that no test passes by accident.
	fake bool
}

func (e *apiError) Error() string { return fmt.Sprintf("%d %s", e.code, e.description) }

func badRequest(description string) *apiError {
	return &apiError{code: http.StatusBadRequest, description: "Bad Request: " + description}
}

func forbidden(description string) *apiError {
	return &apiError{code: http.StatusForbidden, description: "Forbidden: " + description}
}

func conflict(description string) *apiError {
	return &apiError{code: http.StatusConflict, description: "Conflict: " + description}
}

func tooManyRequests(retryAfter int) *apiError {
	return &apiError{
		code:        http.StatusTooManyRequests,
		description: fmt.Sprintf("Too Many Requests: retry after %d", retryAfter),
		retryAfter:  retryAfter,
	}
}

func unsupported(format string, args ...any) *apiError {
	e := badRequest("telegramtest: " + fmt.Sprintf(format, args...))
	e.fake = true
	return e
}

// response is Telegram's envelope for every answer.
type response struct {
	OK          bool            `json:"ok"`
	Result      any             `json:"result,omitempty"`
	ErrorCode   int             `json:"error_code,omitempty"`
	Description string          `json:"description,omitempty"`
	Parameters  *responseParams `json:"parameters,omitempty"`
}

type responseParams struct {
	RetryAfter int `json:"retry_after,omitempty"`
}

// method is one Bot API method the fake serves.
type method struct {
	name   string
	handle func(ctx context.Context, r *request) (any, *apiError)
}

// ServeHTTP answers POST (or GET) /bot<token>/<method> like Telegram.
func (s *Server) ServeHTTP(w http.ResponseWriter, hr *http.Request) {
	token, name, ok := splitPath(hr.URL.Path)
	if !ok {
		writeError(w, &apiError{code: http.StatusNotFound, description: "Not Found"})
		return
	}
	if s.cfg.token != "" && token != s.cfg.token {
		writeError(w, &apiError{code: http.StatusUnauthorized, description: "Unauthorized"})
		return
	}
	m, known := s.methods[strings.ToLower(name)]
	if known {
		name = m.name
	}
	s.stats.call(token, name)
	if !known {
		s.stats.fail(fmt.Errorf("the bot called %s, which telegramtest does not serve", name))
		writeError(w, &apiError{code: http.StatusNotFound, description: "Not Found"})
		return
	}
	r, err := readRequest(hr)
	if err != nil {
		writeError(w, badRequest(err.Error()))
		return
	}
	result, apiErr := m.handle(hr.Context(), r)
	if apiErr != nil {
		if apiErr.fake {
			s.stats.fail(fmt.Errorf("%s: %s", name, apiErr.description))
		}
		writeError(w, apiErr)
		return
	}
	writeJSON(w, http.StatusOK, response{OK: true, Result: result})
}

// splitPath splits "/bot<token>/<method>" (or "/bot<token>/test/<method>").
func splitPath(path string) (token, method string, ok bool) {
	rest, ok := strings.CutPrefix(path, "/bot")
	if !ok {
		return "", "", false
	}
	token, method, ok = strings.Cut(rest, "/")
	method = strings.TrimPrefix(method, "test/")
	return token, method, ok && method != "" && !strings.Contains(method, "/")
}

func writeError(w http.ResponseWriter, e *apiError) {
	resp := response{ErrorCode: e.code, Description: e.description}
	if e.retryAfter > 0 {
		resp.Parameters = &responseParams{RetryAfter: e.retryAfter}
	}
	writeJSON(w, e.code, resp)
}

func writeJSON(w http.ResponseWriter, status int, resp response) {
	body, err := json.Marshal(resp)
	if err != nil {
		status = http.StatusInternalServerError
		body = []byte(`{"ok":false,"error_code":500,"description":"Internal Server Error"}`)
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = w.Write(body)
}
