package terminal

import (
	"context"
	"math"
	"strconv"
	"strings"

	"loa/bot"
	"loa/knowledge"
)

// Help lists what a terminal user can type.
const Help = `Gõ câu hỏi (có dấu hay không dấu đều được). Khi Loa đưa ra các lựa chọn, gõ số để xem.
Lệnh: :menu  danh mục (:menu 2 mở nhóm 2) · :lang <vi|hmn|dao|tay|giay>  đổi ngôn ngữ · :sources  bật/tắt nguồn · :newperson [lang] người mới · :done xong · :help · :quit`

// Chat is one person's conversation at a terminal, driven through
// bot.Conversations like any other channel: lines become events, and
// ":commands" become the commands and buttons a chat app would send.
type Chat struct {
	talk   *bot.Conversations
	from   bot.Address
	render *Renderer
}

// NewChat starts a conversation in lang, its session kept in store.
func NewChat(ctx context.Context, core *bot.Core, store bot.ConversationStore, lang knowledge.Lang, render *Renderer) (*Chat, error) {
	// Piped questions come as fast as they are read: no flood limit here.
	talk := bot.NewConversations(core, store, bot.ConversationConfig{FloodLimit: math.MaxInt})
	c := &Chat{talk: talk, from: bot.Address{Channel: "terminal", User: "local", Chat: "local"}, render: render}
	if _, err := talk.Handle(ctx, c.button(bot.ButtonLang(lang))); err != nil {
		return nil, err
	}
	return c, nil
}

// Line answers one line typed at the terminal.
func (c *Chat) Line(ctx context.Context, line string) ([]bot.Reply, error) {
	if !strings.HasPrefix(line, ":") {
		return c.handle(ctx, bot.Event{From: c.from, Kind: bot.EventMessage, Input: bot.Input{Text: line}})
	}
	cmd, arg, _ := strings.Cut(strings.TrimPrefix(line, ":"), " ")
	arg = strings.TrimSpace(arg)
	switch cmd {
	case "lang":
		lang, err := knowledge.ParseLang(arg)
		if err != nil {
			return []bot.Reply{{Kind: bot.KindText, Message: "lang.unknown", Lang: c.talk.Lang(ctx, c.from)}}, nil
		}
		return c.handle(ctx, c.button(bot.ButtonLang(lang)))
	case "menu":
		menu, err := c.handle(ctx, bot.Event{From: c.from, Kind: bot.EventCommand, Command: bot.CommandMenu})
		if err != nil || len(menu) == 0 {
			return menu, err
		}
		if n, err := strconv.Atoi(arg); err == nil && n >= 1 && n <= len(menu[0].Categories) {
			return c.handle(ctx, c.button(bot.ButtonCategory(menu[0].Categories[n-1].ID)))
		}
		return menu, nil
	case bot.CommandNewPerson, bot.CommandDone: // a volunteer's terminal, one villager after another
		return c.handle(ctx, bot.Event{From: c.from, Kind: bot.EventCommand, Command: cmd, Arg: arg})
	case "sources":
		c.render.Sources = !c.render.Sources
		return nil, nil
	case "help":
		help, err := c.handle(ctx, bot.Event{From: c.from, Kind: bot.EventCommand, Command: bot.CommandHelp})
		return append(help, bot.Reply{Kind: bot.KindText, Message: Help}), err
	}
	return c.handle(ctx, bot.Event{From: c.from, Kind: bot.EventMessage, Input: bot.Input{Text: line}})
}

// Lang is the language the conversation is in now.
func (c *Chat) Lang(ctx context.Context) knowledge.Lang { return c.talk.Lang(ctx, c.from) }

func (c *Chat) button(data string) bot.Event {
	return bot.Event{From: c.from, Kind: bot.EventButton, Button: data}
}

func (c *Chat) handle(ctx context.Context, ev bot.Event) ([]bot.Reply, error) {
	resp, err := c.talk.Handle(ctx, ev)
	return resp.Replies, err
}
