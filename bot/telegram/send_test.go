package telegram

import (
	"testing"
	"time"

	"golang.org/x/time/rate"
)

func TestSendLimits(t *testing.T) {
	l := TelegramLimits()
	if l.Global != 30 || l.PerChat != 1 || l.PerGroup != rate.Every(3*time.Second) {
		t.Errorf("Telegram's limits: %+v", l)
	}
	s := newSender(l, func(string) {})
	private, group := s.chatLimiter(1, false), s.chatLimiter(-2, true)
	if private.Limit() != 1 || group.Limit() != rate.Every(3*time.Second) {
		t.Errorf("per-chat limits: private %v, group %v", private.Limit(), group.Limit())
	}
	if s.chatLimiter(1, false) != private {
		t.Error("a chat's limiter is not kept between sends")
	}
	// A burst of three, then the fourth message waits about a second.
	now := time.Now()
	for i := 0; i < l.Burst; i++ {
		if !private.AllowN(now, 1) {
			t.Fatalf("message %d of the burst refused", i+1)
		}
	}
	if private.AllowN(now, 1) {
		t.Error("a fourth message in the same instant was allowed")
	}
	if !private.AllowN(now.Add(time.Second), 1) {
		t.Error("a message a second later was refused")
	}
}

// Limiters of quiet chats are dropped once there are many; a chat that has
// just been sent to keeps its limiter, so its pace is not reset.
func TestSendPrunesIdleLimiters(t *testing.T) {
	s := newSender(TelegramLimits(), func(string) {})
	busy := s.chatLimiter(1, false)
	busy.AllowN(time.Now(), 3) // spends the burst: not idle
	for id := int64(2); id <= minPruneAt+10; id++ {
		s.chatLimiter(id, false)
	}
	if n := len(s.perChat); n > minPruneAt {
		t.Errorf("%d limiters kept, want at most %d", n, minPruneAt)
	}
	if s.chatLimiter(1, false) != busy {
		t.Error("the busy chat's limiter was dropped")
	}
}
