package telegram

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	tgbot "github.com/go-telegram/bot"
	"golang.org/x/time/rate"
)

// Limits are the sending rates Loa keeps to. The defaults are Telegram's:
// about 30 messages a second overall, one a second per chat, 20 a minute
// per group.
type Limits struct {
	Global   rate.Limit
	PerChat  rate.Limit
	PerGroup rate.Limit
	Burst    int // per-chat burst
}

// TelegramLimits returns Telegram's published limits.
func TelegramLimits() Limits {
	return Limits{Global: 30, PerChat: 1, PerGroup: rate.Every(3 * time.Second), Burst: 3}
}

// sender sends with rate limits and retries: on 429 it waits retry_after,
// on server errors and broken connections it backs off, and a reply is
// never dropped without being reported.
type sender struct {
	limits   Limits
	global   *rate.Limiter
	mu       sync.Mutex
	perChat  map[int64]*rate.Limiter
	pruneAt  int // perChat size at which idle limiters are dropped
	attempts int
	backoff  time.Duration
	onRetry  func(reason string)
	paused   time.Time // after a 429, nothing is sent before this
}

// pause holds every send for d: Telegram's retry_after applies to the bot,
// not to the one chat that met it.
func (s *sender) pause(d time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if until := time.Now().Add(d); until.After(s.paused) {
		s.paused = until
	}
}

// ready waits out a pause, then for chatID's budget (0: none) and the
// global one.
func (s *sender) ready(ctx context.Context, chatID int64, group bool) error {
	s.mu.Lock()
	until := s.paused
	s.mu.Unlock()
	if d := time.Until(until); d > 0 && !sleep(ctx, d) {
		return ctx.Err()
	}
	if chatID != 0 {
		if err := s.chatLimiter(chatID, group).Wait(ctx); err != nil {
			return err
		}
	}
	return s.global.Wait(ctx)
}

func newSender(l Limits, onRetry func(string)) *sender {
	return &sender{
		limits:   l,
		global:   rate.NewLimiter(l.Global, int(max(1, l.Global))),
		perChat:  map[int64]*rate.Limiter{},
		pruneAt:  minPruneAt,
		attempts: 5,
		backoff:  200 * time.Millisecond,
		onRetry:  onRetry,
	}
}

func (s *sender) chatLimiter(chatID int64, group bool) *rate.Limiter {
	s.mu.Lock()
	defer s.mu.Unlock()
	l, ok := s.perChat[chatID]
	if !ok {
		if len(s.perChat) >= s.pruneAt {
			s.pruneIdle()
		}
		limit, burst := s.limits.PerChat, max(1, s.limits.Burst)
		if group {
			limit, burst = s.limits.PerGroup, 1 // a burst would break 20 a minute
		}
		l = rate.NewLimiter(limit, burst)
		s.perChat[chatID] = l
	}
	return l
}

// minPruneAt keeps small deployments from pruning at all.
const minPruneAt = 4096

// pruneIdle drops the limiters of chats that have been quiet long enough to
// be back at full burst: a new limiter for them would be the same, so
// nothing is lost, and memory follows the active chats, not every chat ever
// seen.
func (s *sender) pruneIdle() {
	now := time.Now()
	for id, l := range s.perChat {
		if l.TokensAt(now) >= float64(l.Burst()) {
			delete(s.perChat, id)
		}
	}
	s.pruneAt = max(minPruneAt, 2*len(s.perChat))
}

// do runs call within the limits of chatID, retrying what can be retried
// for a few seconds: for calls a user waits on (a button's spinner, inline
// results). Replies go through the outbox, which retries for minutes.
func (s *sender) do(ctx context.Context, chatID int64, group bool, call func(context.Context) error) error {
	var err error
	wait := s.backoff
	for attempt := 1; attempt <= s.attempts; attempt++ {
		if err := s.ready(ctx, chatID, group); err != nil {
			return err
		}
		if err = call(ctx); err == nil {
			return nil
		}
		var tooMany *tgbot.TooManyRequestsError
		switch {
		case errors.As(err, &tooMany):
			s.onRetry("429")
			s.pause(time.Duration(max(1, tooMany.RetryAfter)) * time.Second)
		case permanent(err):
			return err
		default:
			s.onRetry("error")
			if !sleep(ctx, wait) {
				return ctx.Err()
			}
			wait *= 2
		}
	}
	return fmt.Errorf("gave up after %d attempts: %w", s.attempts, err)
}

// permanent reports errors that a retry cannot fix.
func permanent(err error) bool {
	for _, e := range []error{tgbot.ErrorBadRequest, tgbot.ErrorForbidden, tgbot.ErrorUnauthorized, tgbot.ErrorNotFound, context.Canceled} {
		if errors.Is(err, e) {
			return true
		}
	}
	var migrated *tgbot.MigrateError // the group became a supergroup: a new chat id
	return errors.As(err, &migrated)
}

func sleep(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	}
}
