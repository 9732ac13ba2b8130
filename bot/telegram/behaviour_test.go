package telegram

import (
	"context"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/go-telegram/bot/models"

	"loa/bot"
	"loa/bot/conversationtest"
	"loa/bot/telegramtest"
	"loa/content"
)

// settled is a store that tells when an update's effects are stored and
// all its replies delivered, so a test waits for that, not for a time.
type settled struct {
	*bot.MemoryStore
	mu      sync.Mutex
	changed *sync.Cond
	done    map[int64]bool
	pending int // replies stored and not yet delivered
}

func newSettled() *settled {
	s := &settled{MemoryStore: bot.NewMemoryStore(), done: map[int64]bool{}}
	s.changed = sync.NewCond(&s.mu)
	return s
}

func (s *settled) Complete(ctx context.Context, id int64, out []bot.Outgoing, merged ...int64) error {
	err := s.MemoryStore.Complete(ctx, id, out, merged...)
	s.mu.Lock()
	s.done[id], s.pending = true, s.pending+len(out)
	for _, m := range merged {
		s.done[m] = true
	}
	s.changed.Broadcast()
	s.mu.Unlock()
	return err
}

func (s *settled) Delivered(ctx context.Context, id int64) error {
	err := s.MemoryStore.Delivered(ctx, id)
	s.mu.Lock()
	s.pending--
	s.changed.Broadcast()
	s.mu.Unlock()
	return err
}

// wait blocks until update id is processed and every reply sent, or the
// deadline passes.
func (s *settled) wait(t testing.TB, id int64) {
	t.Helper()
	timer := time.AfterFunc(10*time.Second, func() {
		s.mu.Lock()
		s.changed.Broadcast()
		s.mu.Unlock()
	})
	defer timer.Stop()
	deadline := time.Now().Add(10 * time.Second)
	s.mu.Lock()
	defer s.mu.Unlock()
	for !s.done[id] || s.pending > 0 {
		if time.Now().After(deadline) {
			t.Fatalf("update %d not settled", id)
		}
		s.changed.Wait()
	}
}

// tgChannel is Telegram under the shared behaviour table: each user is a
// private chat with the fake Bot API.
type tgChannel struct {
	h     *harness
	store *settled
	users map[string]int64
}

func (c *tgChannel) user(name string) int64 {
	if id, ok := c.users[name]; ok {
		return id
	}
	id := int64(7000 + len(c.users))
	c.users[name] = id
	return id
}

// do pushes an update and returns the texts sent to the user's chat for it.
func (c *tgChannel) do(t *testing.T, user int64, push func() int64) []string {
	before := len(c.h.fake.Calls("sendMessage"))
	c.store.wait(t, push())
	var out []string
	for _, call := range c.h.fake.Calls("sendMessage")[before:] {
		if call.Params["chat_id"] != strconv.FormatInt(user, 10) {
			continue
		}
		text := call.Params["text"]
		var markup models.InlineKeyboardMarkup
		if call.Decode("reply_markup", &markup) == nil {
			for _, row := range markup.InlineKeyboard {
				for _, b := range row {
					text += "\n[" + b.Text + "]" // buttons are what the user sees too
				}
			}
		}
		out = append(out, text)
	}
	return out
}

func (c *tgChannel) Say(t *testing.T, user, text string) []string {
	id := c.user(user)
	return c.do(t, id, func() int64 { return c.h.fake.Push(telegramtest.Text(id, text)) })
}

func (c *tgChannel) Command(t *testing.T, user, command string) []string {
	return c.Say(t, user, "/"+command)
}

func (c *tgChannel) Press(t *testing.T, user, button string) []string {
	id := c.user(user)
	return c.do(t, id, func() int64 { return c.h.fake.Push(telegramtest.Callback(id, button)) })
}

func TestBehaviour(t *testing.T) {
	store := newSettled()
	h := run(t, newHarnessWith(t, store, content.FS(), Config{}))
	conversationtest.Run(t, &tgChannel{h: h, store: store, users: map[string]int64{}})
}

// The core reaches a user nobody's update is waiting on: queued, then sent.
func TestUnpromptedSend(t *testing.T) {
	store := newSettled()
	h := run(t, newHarnessWith(t, store, content.FS(), Config{}))
	to := address(8123, 8123, false)
	if err := h.adapter.talk.Send(t.Context(), to, []bot.Reply{{Kind: bot.KindText, Message: "help", Lang: "vi"}}); err != nil {
		t.Fatal(err)
	}
	calls := h.expect(t, 1)
	if calls[0].Params["chat_id"] != "8123" || !strings.Contains(calls[0].Params["text"], "Loa trả lời") {
		t.Errorf("unprompted reply: %+v", calls[0].Params)
	}
	if err := h.adapter.talk.Send(t.Context(), bot.Address{Channel: "sms", User: "1", Chat: "1"}, nil); err == nil {
		t.Error("a channel that is not running took a reply")
	}
}
