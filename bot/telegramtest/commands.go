package telegramtest

import (
	"cmp"
	"context"
	"encoding/json"
	"slices"
	"sync"
	"unicode/utf8"
)

// Command is one entry of the bot's command menu.
type Command struct {
	// Command is the name without the slash, such as "start".
	Command string `json:"command"`
	// Description is shown next to the command in the menu.
	Description string `json:"description"`
}

// CommandScope is who sees a command list: "default", "all_private_chats",
// "all_group_chats", "all_chat_administrators", "chat",
// "chat_administrators" (with ChatID) or "chat_member" (with ChatID and UserID).
type CommandScope struct {
	// Type is the scope's type, as in Telegram's BotCommandScope.
	Type string `json:"type"`
	// ChatID is the chat of the chat scopes.
	ChatID int64 `json:"chat_id,omitempty"`
	// UserID is the member of the chat_member scope.
	UserID int64 `json:"user_id,omitempty"`
}

// CommandSet is the command list set for one scope and language.
type CommandSet struct {
	// Scope is who sees the list.
	Scope CommandScope
	// LanguageCode is the two-letter language, or empty for everyone else.
	LanguageCode string
	// Commands is the list, in the bot's order.
	Commands []Command
}

type commandKey struct {
	scope CommandScope
	lang  string
}

// commandStore holds the lists set with setMyCommands.
type commandStore struct {
	mu   sync.Mutex
	sets map[commandKey][]Command
}

// validCommand applies Telegram's rule for names: [a-z0-9_]{1,32}.
func validCommand(name string) bool {
	if len(name) < 1 || len(name) > 32 {
		return false
	}
	for _, c := range name {
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '_') {
			return false
		}
	}
	return true
}

// validLanguage accepts an ISO 639-1 code: two lower-case letters.
func validLanguage(code string) bool {
	return len(code) == 2 && code[0] >= 'a' && code[0] <= 'z' && code[1] >= 'a' && code[1] <= 'z'
}

// setMyCommands: at most 100 commands, names [a-z0-9_]{1,32}, descriptions 1–256.
func (s *Server) setMyCommands(_ context.Context, r *request) (any, *apiError) {
	key, err := commandKeyOf(r)
	if err != nil {
		return nil, err
	}
	var list []Command
	if err := json.Unmarshal([]byte(r.str("commands")), &list); err != nil {
		return nil, badRequest("can't parse commands JSON object")
	}
	if len(list) > 100 {
		return nil, badRequest("too many commands specified")
	}
	for _, c := range list {
		if !validCommand(c.Command) {
			return nil, badRequest("BOT_COMMAND_INVALID")
		}
		if n := utf8.RuneCountInString(c.Description); n < 1 || n > 256 {
			return nil, badRequest("BOT_COMMAND_DESCRIPTION_INVALID")
		}
	}
	s.commands.mu.Lock()
	defer s.commands.mu.Unlock()
	if len(list) == 0 {
		delete(s.commands.sets, key)
	} else {
		s.commands.sets[key] = list
	}
	return true, nil
}

// deleteMyCommands: forget the list of one scope and language.
func (s *Server) deleteMyCommands(_ context.Context, r *request) (any, *apiError) {
	key, err := commandKeyOf(r)
	if err != nil {
		return nil, err
	}
	s.commands.mu.Lock()
	defer s.commands.mu.Unlock()
	delete(s.commands.sets, key)
	return true, nil
}

// getMyCommands: the list of exactly this scope and language, maybe empty.
func (s *Server) getMyCommands(_ context.Context, r *request) (any, *apiError) {
	key, err := commandKeyOf(r)
	if err != nil {
		return nil, err
	}
	s.commands.mu.Lock()
	defer s.commands.mu.Unlock()
	return append([]Command{}, s.commands.sets[key]...), nil
}

func commandKeyOf(r *request) (commandKey, *apiError) {
	key := commandKey{scope: CommandScope{Type: "default"}, lang: r.str("language_code")}
	if key.lang != "" && !validLanguage(key.lang) {
		return key, badRequest("invalid language code specified")
	}
	if raw := r.str("scope"); raw != "" {
		if json.Unmarshal([]byte(raw), &key.scope) != nil {
			return key, badRequest("can't parse BotCommandScope JSON object")
		}
	}
	switch key.scope.Type {
	case "default", "all_private_chats", "all_group_chats", "all_chat_administrators":
		key.scope.ChatID, key.scope.UserID = 0, 0
	case "chat", "chat_administrators":
		key.scope.UserID = 0
		if key.scope.ChatID == 0 {
			return key, badRequest("chat not found")
		}
	case "chat_member":
		if key.scope.ChatID == 0 || key.scope.UserID == 0 {
			return key, badRequest("chat not found")
		}
	default:
		return key, badRequest("wrong BotCommandScope type specified")
	}
	return key, nil
}

// Commands lists the command lists the bot set, ordered by scope and language.
func (s *Server) Commands() []CommandSet {
	s.commands.mu.Lock()
	defer s.commands.mu.Unlock()
	var out []CommandSet
	for k, list := range s.commands.sets {
		out = append(out, CommandSet{Scope: k.scope, LanguageCode: k.lang, Commands: slices.Clone(list)})
	}
	slices.SortFunc(out, func(a, b CommandSet) int {
		return cmp.Or(cmp.Compare(a.Scope.Type, b.Scope.Type), cmp.Compare(a.Scope.ChatID, b.Scope.ChatID),
			cmp.Compare(a.Scope.UserID, b.Scope.UserID), cmp.Compare(a.LanguageCode, b.LanguageCode))
	})
	return out
}
