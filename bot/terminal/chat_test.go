package terminal

import (
	"context"
	"testing"

	"loa/bot"
	"loa/bot/conversationtest"
	"loa/content"
	"loa/knowledge"
	"loa/locales"
)

// channel is the terminal under the shared behaviour table: one Chat a
// user, rendered as `loa chat` prints it.
type channel struct {
	core   *bot.Core
	render *Renderer
	chats  map[string]*Chat
}

func (c *channel) chat(t *testing.T, user string) *Chat {
	if ch, ok := c.chats[user]; ok {
		return ch
	}
	ch, err := NewChat(t.Context(), c.core, bot.NewMemoryStore(), knowledge.Vietnamese, c.render)
	if err != nil {
		t.Fatal(err)
	}
	c.chats[user] = ch
	return ch
}

func (c *channel) line(t *testing.T, user, line string) []string {
	replies, err := c.chat(t, user).Line(t.Context(), line)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, r := range replies {
		out = append(out, c.render.Render(r))
	}
	return out
}

func (c *channel) Say(t *testing.T, user, text string) []string { return c.line(t, user, text) }

func (c *channel) Command(t *testing.T, user, command string) []string {
	return c.line(t, user, ":"+command)
}

// Press sends button data the way the terminal's commands do.
func (c *channel) Press(t *testing.T, user, button string) []string {
	ch := c.chat(t, user)
	resp, err := ch.talk.Handle(t.Context(), ch.button(button))
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, r := range resp.Replies {
		out = append(out, c.render.Render(r))
	}
	return out
}

func TestBehaviour(t *testing.T) {
	kb, _, err := knowledge.Open(context.Background(), content.FS())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { kb.Close() })
	cat, err := locales.Load(locales.FS())
	if err != nil {
		t.Fatal(err)
	}
	conversationtest.Run(t, &channel{core: bot.New(kb), render: &Renderer{Catalog: cat}, chats: map[string]*Chat{}})
}
