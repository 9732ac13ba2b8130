package telegram

import (
	"context"
	"strings"
	"sync"
	"time"

	"github.com/go-telegram/bot/models"
)

// gather answers a question sent in two or three messages as one: a
// private text message that looks unfinished alone (bot.Conversations.
// Unfinished) waits up to the window for the user's next message; a
// message that completes it, a third piece, anything else from the user, or
// the window's end passes them on together. A message that is complete
// alone never waits.
type gather struct {
	a      *Adapter
	window time.Duration // 0: off
	mu     sync.Mutex
	held   map[int64]*heldText // by user
}

// heldText is one user's pieces so far.
type heldText struct {
	updates []*models.Update
	timer   *time.Timer
}

// maxPieces bounds how many messages are answered as one.
const maxPieces = 3

func newGather(a *Adapter, window time.Duration) *gather {
	return &gather{a: a, window: window, held: map[int64]*heldText{}}
}

// add queues u, holding it while the question may go on.
func (g *gather) add(u *models.Update) {
	user := updateUser(u)
	holdable := g.holdable(u)
	// Decided before the lock: a search must not hold up other users' adds.
	unfinished := holdable && g.a.talk.Unfinished(context.Background(), address(u.Message.From.ID, u.Message.Chat.ID, false), u.Message.Text)
	g.mu.Lock()
	defer g.mu.Unlock() // queued in order: two adds of one user never cross
	h := g.held[user]
	if !holdable {
		g.releaseLocked(user) // what was held comes first
		g.a.submit(u, nil)
		return
	}
	if h == nil {
		if !unfinished {
			g.a.submit(u, nil)
			return
		}
		h = &heldText{}
		g.held[user] = h
		h.timer = time.AfterFunc(g.window, func() { g.release(user, h) })
	}
	h.updates = append(h.updates, u)
	if !unfinished || len(h.updates) >= maxPieces {
		g.releaseLocked(user)
		return
	}
	h.timer.Reset(g.window) // the window runs from the latest piece
}

// holdable is a private text message from a person, not a command, not a
// reply to a message (those say what they answer), and short.
func (g *gather) holdable(u *models.Update) bool {
	m := u.Message
	return g.window > 0 && m != nil && m.From != nil && m.Chat.Type == models.ChatTypePrivate &&
		m.Text != "" && !strings.HasPrefix(m.Text, "/") && m.ReplyToMessage == nil && len(m.Text) < 1000
}

// release passes h on when the window ends, unless it went already.
func (g *gather) release(user int64, h *heldText) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.held[user] == h {
		g.releaseLocked(user)
	}
}

func (g *gather) releaseLocked(user int64) {
	h := g.held[user]
	if h == nil {
		return
	}
	delete(g.held, user)
	h.timer.Stop()
	first := *h.updates[0]
	msg := *first.Message
	var texts []string
	var also []int64
	for i, u := range h.updates {
		texts = append(texts, strings.TrimSpace(u.Message.Text))
		if i > 0 {
			also = append(also, u.ID)
		}
	}
	msg.Text, msg.Entities = strings.Join(texts, " "), nil
	first.Message = &msg
	g.a.submit(&first, also)
}

// releaseAll passes on everything held: the adapter is stopping.
func (g *gather) releaseAll() {
	g.mu.Lock()
	defer g.mu.Unlock()
	for user := range g.held {
		g.releaseLocked(user)
	}
}
