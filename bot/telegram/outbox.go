package telegram

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	tgbot "github.com/go-telegram/bot"
	"github.com/go-telegram/bot/models"

	"loa/bot"
)

// outbox sends the queued replies: per chat in order, each chat on its own
// goroutine so that waiting for one chat's send budget holds no one else,
// with at most maxCalls Bot API calls at once. A reply is retried for up to
// maxRetry and dropped only when Telegram says it can never be delivered
// (blocked, chat gone); a 429 pauses every send for its retry_after.
type outbox struct {
	a        *Adapter
	kick     chan struct{}
	calls    chan struct{}
	maxRetry atomic.Int64 // nanoseconds; a test shortens it while sending

	mu       sync.Mutex
	inflight map[int64]bool           // reply ids handed to a chat
	settled  map[int64]bool           // reply ids finished since the current fill began
	chats    map[int64][]bot.Outgoing // replies waiting per chat
	volatile []bot.Outgoing           // replies the store could not keep
	nextVol  int64                    // ids for volatile replies, below zero
	migrated map[int64]int64          // group → the supergroup it became
	wg       sync.WaitGroup
}

// maxCalls bounds the Bot API calls in flight.
const maxCalls = 16

// callTimeout bounds one Bot API call: a hung call is abandoned and
// retried, never left holding a chat.
const callTimeout = 20 * time.Second

func newOutbox(a *Adapter) *outbox {
	o := &outbox{
		a: a, kick: make(chan struct{}, 1), calls: make(chan struct{}, maxCalls),
		inflight: map[int64]bool{}, settled: map[int64]bool{}, chats: map[int64][]bot.Outgoing{}, migrated: map[int64]int64{},
	}
	o.maxRetry.Store(int64(10 * time.Minute))
	return o
}

// payload is one Telegram message as kept in the outbox.
type payload struct {
	HTML     string                          `json:"html"`
	Keyboard [][]models.InlineKeyboardButton `json:"keyboard,omitempty"`
	Edit     int                             `json:"edit,omitempty"`  // replace this message instead
	Voice    *voiceNote                      `json:"voice,omitempty"` // read aloud at send time; HTML is the caption
}

// encode turns messages into outbox entries, one per Telegram message.
func encode(chat int64, group bool, msgs []message) []bot.Outgoing {
	var out []bot.Outgoing
	for _, m := range msgs {
		parts := split(m.HTML, maxMessage)
		for i, part := range parts {
			p := payload{HTML: part, Voice: m.Voice}
			if i == len(parts)-1 {
				p.Keyboard = m.Keyboard
			}
			if len(parts) == 1 {
				p.Edit = m.Edit
			}
			data, _ := json.Marshal(p)
			out = append(out, bot.Outgoing{Chat: chat, Group: group, Payload: data})
		}
	}
	return out
}

// notify says new replies are queued.
func (o *outbox) notify() {
	select {
	case o.kick <- struct{}{}:
	default:
	}
}

// keep holds replies in memory when the store cannot take them (a full
// disk): they are sent all the same, only not across a restart.
func (o *outbox) keep(out []bot.Outgoing) {
	o.mu.Lock()
	for _, m := range out {
		o.nextVol--
		m.ID = o.nextVol
		o.volatile = append(o.volatile, m)
	}
	o.mu.Unlock()
	o.notify()
}

// run sends until ctx ends, looking for queued replies when told and every
// second (replies queued by an earlier run, or before a restart).
func (o *outbox) run(ctx context.Context) {
	tick := time.NewTicker(time.Second)
	defer tick.Stop()
	for {
		o.fill(ctx)
		select {
		case <-ctx.Done():
			o.wg.Wait()
			return
		case <-o.kick:
		case <-tick.C:
		}
	}
}

// idle reports whether nothing is queued or being sent.
func (o *outbox) idle(ctx context.Context) bool {
	o.mu.Lock()
	busy := len(o.inflight) > 0 || len(o.volatile) > 0
	o.mu.Unlock()
	if busy {
		return false
	}
	unsent, err := o.a.store.Unsent(ctx, 1)
	return err == nil && len(unsent) == 0
}

// maxInflight bounds the replies (and so the chat goroutines) taken from
// the store at once, however many chats wait; the rest wait in the store.
const maxInflight = 1024

func (o *outbox) fill(ctx context.Context) {
	o.mu.Lock()
	room := maxInflight - len(o.inflight)
	// A reply finished while Unsent reads may still be in what it returns:
	// settled remembers those, so that none is sent twice.
	clear(o.settled)
	o.mu.Unlock()
	if room <= 0 {
		return
	}
	// Unsent returns the oldest first, in flight or not: ask for enough to
	// find room new ones.
	unsent, err := o.a.store.Unsent(ctx, maxInflight+room)
	if err != nil && ctx.Err() == nil {
		o.a.stateError("outbox", err)
	}
	o.mu.Lock()
	defer o.mu.Unlock()
	unsent = append(unsent, o.volatile...)
	o.volatile = nil
	for _, m := range unsent {
		if o.inflight[m.ID] || o.settled[m.ID] {
			continue
		}
		if len(o.inflight) >= maxInflight {
			if m.ID < 0 { // only memory holds it: keep it for the next fill
				o.volatile = append(o.volatile, m)
			}
			continue
		}
		o.inflight[m.ID] = true
		q, running := o.chats[m.Chat]
		o.chats[m.Chat] = append(q, m)
		if !running {
			o.wg.Add(1)
			go o.chat(ctx, m.Chat)
		}
	}
}

// chat sends one chat's replies in order.
func (o *outbox) chat(ctx context.Context, chat int64) {
	defer o.wg.Done()
	for {
		o.mu.Lock()
		q := o.chats[chat]
		if len(q) == 0 || ctx.Err() != nil {
			for _, m := range q {
				delete(o.inflight, m.ID) // left for the next run
			}
			delete(o.chats, chat)
			o.mu.Unlock()
			return
		}
		m := q[0]
		o.chats[chat] = q[1:]
		o.mu.Unlock()

		sent := o.deliver(ctx, m)
		o.mu.Lock()
		delete(o.inflight, m.ID)
		if sent {
			o.settled[m.ID] = true
		}
		o.mu.Unlock()
		if !sent && ctx.Err() != nil {
			continue // stopping: the rest stay queued
		}
	}
}

// done records that the outbox is finished with m, sent or dropped.
func (o *outbox) done(ctx context.Context, m bot.Outgoing) {
	if m.ID <= 0 {
		return
	}
	if err := o.a.store.Delivered(context.WithoutCancel(ctx), m.ID); err != nil {
		o.a.stateError("outbox", err)
	}
}

// deliver sends one reply, retrying as long as that can help, and records
// it delivered. It reports false only when stopping with the reply still
// queued.
func (o *outbox) deliver(ctx context.Context, m bot.Outgoing) bool {
	var p payload
	if err := json.Unmarshal(m.Payload, &p); err != nil {
		o.a.log.Error("telegram: unreadable reply in the outbox dropped", "err", err)
		o.a.metrics.Dropped.Inc()
		o.done(ctx, m)
		return true
	}
	chat := o.chatID(m.Chat)
	start, wait := time.Now(), o.a.send.backoff
	for {
		err := o.call(ctx, chat, m.Group, p, func() { o.done(ctx, m) })
		var tooMany *tgbot.TooManyRequestsError
		var moved *tgbot.MigrateError
		switch {
		case err == nil:
			return true
		case ctx.Err() != nil:
			return false
		case errors.As(err, &tooMany):
			o.a.metrics.APIErrors.WithLabelValues("429").Inc()
			o.a.send.pause(time.Duration(max(1, tooMany.RetryAfter)) * time.Second)
			continue
		case errors.As(err, &moved) && moved.MigrateToChatID != 0:
			o.mu.Lock()
			o.migrated[m.Chat] = int64(moved.MigrateToChatID)
			o.mu.Unlock()
			chat = int64(moved.MigrateToChatID)
			continue
		case permanent(err) && p.Edit != 0:
			p.Edit = 0 // the streamed message is gone or unchanged: send the text anew
			continue
		case permanent(err):
			o.a.metrics.Dropped.Inc()
			o.a.log.Warn("telegram: reply dropped: Telegram will not deliver it", "err", err)
			o.done(ctx, m)
			return true
		case time.Since(start) > time.Duration(o.maxRetry.Load()):
			o.a.metrics.Dropped.Inc()
			o.a.log.Error("telegram: reply dropped after retrying", "for", time.Duration(o.maxRetry.Load()), "err", err)
			o.done(ctx, m)
			return true
		}
		o.a.metrics.APIErrors.WithLabelValues("error").Inc()
		if wait == o.a.send.backoff { // once per reply, not per retry
			o.a.log.Warn("telegram: reply not sent yet; retrying", "err", err)
		}
		if !sleep(ctx, wait) {
			return false
		}
		wait = min(2*wait, 30*time.Second)
	}
}

func (o *outbox) chatID(chat int64) int64 {
	o.mu.Lock()
	defer o.mu.Unlock()
	if to, ok := o.migrated[chat]; ok {
		return to
	}
	return chat
}

// call makes one sendMessage call within the limits. On success it runs
// sent before giving up its slot, so that at most maxCalls replies are ever
// sent and not yet recorded: all a kill -9 can make Loa repeat.
func (o *outbox) call(ctx context.Context, chat int64, group bool, p payload, sent func()) error {
	if err := o.a.send.ready(ctx, chat, group); err != nil {
		return err
	}
	select {
	case o.calls <- struct{}{}:
	case <-ctx.Done():
		return ctx.Err()
	}
	defer func() { <-o.calls }()
	if err := o.send(ctx, chat, p); err != nil {
		return err
	}
	sent()
	return nil
}

// send makes the one Bot API call that delivers p.
func (o *outbox) send(ctx context.Context, chat int64, p payload) error {
	ctx, cancel := context.WithTimeout(ctx, callTimeout)
	defer cancel()
	var markup models.ReplyMarkup
	if len(p.Keyboard) > 0 {
		markup = &models.InlineKeyboardMarkup{InlineKeyboard: p.Keyboard}
	}
	if p.Voice != nil {
		return o.a.sendVoice(ctx, chat, p)
	}
	if p.Edit != 0 {
		_, err := o.a.api.EditMessageText(ctx, &tgbot.EditMessageTextParams{
			ChatID: chat, MessageID: p.Edit, Text: p.HTML, ParseMode: models.ParseModeHTML, ReplyMarkup: markup,
			LinkPreviewOptions: &models.LinkPreviewOptions{IsDisabled: tgbot.True()},
		})
		if err != nil {
			return fmt.Errorf("edit streamed reply: %w", err)
		}
		return nil
	}
	params := &tgbot.SendMessageParams{
		ChatID: chat, Text: p.HTML, ParseMode: models.ParseModeHTML, ReplyMarkup: markup,
		LinkPreviewOptions: &models.LinkPreviewOptions{IsDisabled: tgbot.True()},
	}
	if _, err := o.a.api.SendMessage(ctx, params); err != nil {
		return fmt.Errorf("send reply: %w", err)
	}
	return nil
}
