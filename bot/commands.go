package bot

import (
	"context"
	"fmt"

	tg "github.com/go-telegram/bot"
	"github.com/go-telegram/bot/models"

	"nido/flows"
)

// SetCommands sets the command menu Telegram shows beside the text box.
// chatID 0 sets everyone's default for Telegram apps in lang (lang "" is the
// fallback for every other app language, rendered in the default language).
// Any other chatID sets that chat's menu, whatever its app's language, because
// a person reads Nido in the language they chose in Nido.
func (s *Sender) SetCommands(ctx context.Context, chatID int64, lang string, cmds []flows.Command) error {
	list := make([]models.BotCommand, 0, len(cmds))
	for _, c := range cmds {
		desc, err := s.r.plainText(lang, c.Description)
		if err != nil {
			return fmt.Errorf("command %s: %w", c.Name, err)
		}
		list = append(list, models.BotCommand{Command: c.Name, Description: desc})
	}
	params := &tg.SetMyCommandsParams{Commands: list}
	if chatID == 0 {
		params.Scope = &models.BotCommandScopeDefault{}
		params.LanguageCode = lang
	} else {
		params.Scope = &models.BotCommandScopeChat{ChatID: chatID}
	}
	_, err := s.call(ctx, "set commands", chatID, noPacing, func(ctx context.Context) (int, error) {
		_, err := s.api.SetMyCommands(ctx, params)
		return 0, err
	})
	return err
}
