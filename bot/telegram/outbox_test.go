package telegram

import (
	"context"
	"sync"
	"testing"
	"time"

	"loa/bot"
	"loa/bot/telegramtest"
)

// slowUnsent reads the outbox, then holds its answer until one of the replies
// in it has been delivered: the stale read a busy database gives.
type slowUnsent struct {
	*bot.MemoryStore
	mu        sync.Mutex
	delivered chan struct{}
}

func (s *slowUnsent) Unsent(ctx context.Context, limit int) ([]bot.Outgoing, error) {
	out, err := s.MemoryStore.Unsent(ctx, limit)
	if len(out) > 0 {
		select {
		case <-s.delivered:
		case <-time.After(time.Second):
		}
	}
	return out, err
}

func (s *slowUnsent) Delivered(ctx context.Context, id int64) error {
	err := s.MemoryStore.Delivered(ctx, id)
	select {
	case s.delivered <- struct{}{}:
	default:
	}
	return err
}

// A reply delivered while the outbox was reading the store is not sent
// again from that read.
func TestOutboxSendsOnceDespiteStaleReads(t *testing.T) {
	store := &slowUnsent{MemoryStore: bot.NewMemoryStore(), delivered: make(chan struct{}, 1)}
	h := start(t, store)
	const users = 6
	for u := int64(1); u <= users; u++ {
		h.fake.Push(telegramtest.Text(700+u, "lam so do"))
	}
	if _, err := h.fake.WaitCalls("sendMessage", users, 10*time.Second); err != nil {
		t.Fatal(err)
	}
	time.Sleep(2500 * time.Millisecond) // two more fills, each on a stale read
	got := map[string]int{}
	for _, c := range h.fake.Calls("sendMessage") {
		got[c.Params["chat_id"]]++
	}
	for chat, n := range got {
		if n != 1 {
			t.Errorf("chat %s got %d replies, want 1", chat, n)
		}
	}
}
