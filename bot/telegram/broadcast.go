package telegram

import (
	"context"
	"errors"
	"strconv"
	"sync"
	"time"

	tgbot "github.com/go-telegram/bot"
	"github.com/go-telegram/bot/models"
	"golang.org/x/time/rate"

	"loa/bot"
	"loa/knowledge"
)

// broadcaster sends the stored broadcasts' pending recipients within a
// share of the send budget of its own, so that replies to citizens never
// wait behind an announcement, and marks each one sent, blocked or failed.
// Stopping lets the sends in flight finish and be marked: a restart
// resumes with no one sent twice.
type broadcaster struct {
	a     *Adapter
	share *rate.Limiter
	kick  chan struct{}
	texts map[int64]bot.BroadcastReport // by id, as far as sending needs
}

// broadcastCalls bounds the broadcast sends in flight.
const broadcastCalls = 4

func newBroadcaster(a *Adapter, perSecond rate.Limit) *broadcaster {
	return &broadcaster{a: a, share: rate.NewLimiter(perSecond, 1), kick: make(chan struct{}, 1), texts: map[int64]bot.BroadcastReport{}}
}

// run sends until stop ends, looking for work when kicked and every
// second.
func (b *broadcaster) run(stop context.Context) {
	tick := time.NewTicker(time.Second)
	defer tick.Stop()
	for {
		b.sendPending(stop)
		b.reportDone(stop)
		select {
		case <-stop.Done():
			return
		case <-b.kick:
		case <-tick.C:
		}
	}
}

func (b *broadcaster) notify() {
	select {
	case b.kick <- struct{}{}:
	default:
	}
}

func (b *broadcaster) sendPending(stop context.Context) {
	for stop.Err() == nil {
		batch, err := b.a.store.PendingSends(stop, 64)
		if err != nil {
			if stop.Err() == nil {
				b.a.stateError("broadcast", err)
			}
			return
		}
		if len(batch) == 0 {
			return
		}
		slots := make(chan struct{}, broadcastCalls)
		var wg sync.WaitGroup
		for _, s := range batch {
			if b.share.Wait(stop) != nil {
				break // stopping: the rest stay pending
			}
			r, ok := b.broadcast(stop, s.Broadcast)
			if !ok {
				break
			}
			slots <- struct{}{}
			wg.Add(1)
			go func() {
				defer func() { <-slots; wg.Done() }()
				b.sendOne(stop, r, s)
			}()
		}
		wg.Wait() // the sends in flight finish, stopping or not
	}
}

// broadcast returns the broadcast a send belongs to.
func (b *broadcaster) broadcast(ctx context.Context, id int64) (bot.BroadcastReport, bool) {
	if r, ok := b.texts[id]; ok {
		return r, true
	}
	rs, err := b.a.store.BroadcastReports(ctx, id)
	if err != nil || len(rs) == 0 {
		if err != nil {
			b.a.stateError("broadcast", err)
		}
		return bot.BroadcastReport{}, false
	}
	b.texts[id] = rs[0]
	return rs[0], true
}

// sendOne sends one recipient its message and marks what became of it;
// a send left pending (stopping, or Telegram unreachable for long) is tried
// again later.
func (b *broadcaster) sendOne(stop context.Context, r bot.BroadcastReport, s bot.BroadcastSend) {
	chat, err := strconv.ParseInt(s.To.Chat, 10, 64)
	if err != nil {
		b.mark(s, bot.SendFailed)
		return
	}
	lang := r.Lang
	html := "<b>📢 " + esc(b.a.catalog.Text(string(lang), "broadcast.header", nil)) + "</b>\n\n" + esc(r.Text) +
		"\n\n<i>" + esc(b.a.catalog.Text(string(lang), "broadcast.footer", nil)) + "</i>"
	wait := b.a.send.backoff
	for attempt := 1; ; attempt++ {
		if err := b.a.send.ready(stop, chat, false); err != nil {
			return // stopping before the call: still pending
		}
		// Once made, a call is finished and marked even when stopping.
		ctx, cancel := context.WithTimeout(context.WithoutCancel(stop), callTimeout)
		_, err := b.a.api.SendMessage(ctx, &tgbot.SendMessageParams{ChatID: chat, Text: html, ParseMode: models.ParseModeHTML,
			LinkPreviewOptions: &models.LinkPreviewOptions{IsDisabled: tgbot.True()}})
		cancel()
		var tooMany *tgbot.TooManyRequestsError
		switch {
		case err == nil:
			b.a.metrics.Broadcast.WithLabelValues("sent").Inc()
			b.mark(s, bot.SendSent)
			return
		case errors.As(err, &tooMany):
			b.a.metrics.APIErrors.WithLabelValues("429").Inc()
			b.a.send.pause(time.Duration(max(1, tooMany.RetryAfter)) * time.Second)
			continue // a 429 is Telegram asking to wait, not a failure
		case errors.Is(err, tgbot.ErrorForbidden):
			b.a.metrics.Broadcast.WithLabelValues("blocked").Inc()
			b.mark(s, bot.SendBlocked) // the user blocked the bot: unsubscribed
			return
		case errors.Is(err, tgbot.ErrorUnauthorized):
			b.a.log.Error("telegram: broadcast stopped: the bot token was refused", "err", err)
			return
		case permanent(err) || attempt >= 5:
			b.a.metrics.Broadcast.WithLabelValues("failed").Inc()
			b.a.log.Warn("telegram: broadcast message not delivered", "broadcast", r.ID, "err", err)
			b.mark(s, bot.SendFailed)
			return
		}
		b.a.metrics.APIErrors.WithLabelValues("error").Inc()
		if !sleep(stop, wait) {
			return
		}
		wait = min(2*wait, 30*time.Second)
	}
}

func (b *broadcaster) mark(s bot.BroadcastSend, state bot.SendState) {
	if err := b.a.store.MarkSend(context.Background(), s.Broadcast, s.To, state); err != nil {
		b.a.stateError("broadcast", err)
	}
}

// reportDone tells each finished broadcast's editor its result, once.
func (b *broadcaster) reportDone(ctx context.Context) {
	rs, err := b.a.store.BroadcastReports(ctx, 0)
	if err != nil {
		return
	}
	for _, r := range rs {
		if !r.Done() || r.Reported {
			continue
		}
		delete(b.texts, r.ID)
		b.a.log.Info("telegram: broadcast finished", "broadcast", r.ID, "sent", r.Sent, "blocked", r.Blocked, "failed", r.Failed)
		if r.By.Channel == channel {
			data := map[string]any{"ID": r.ID, "Sent": r.Sent, "Blocked": r.Blocked, "Failed": r.Failed}
			if err := b.a.Send(ctx, r.By, []bot.Reply{{Kind: bot.KindText, Lang: knowledge.Vietnamese, Message: "broadcast.report", Data: data}}); err != nil {
				b.a.log.Warn("telegram: broadcast result not sent to its editor", "err", err)
			}
		}
		if err := b.a.store.MarkReported(ctx, r.ID); err != nil {
			b.a.stateError("broadcast", err)
		}
	}
}
