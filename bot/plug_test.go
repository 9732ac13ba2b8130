package bot

import (
	"context"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

func TestLocalLocker(t *testing.T) {
	var l LocalLocker
	ctx := t.Context()
	unlock, err := l.Lock(ctx, "telegram:1")
	if err != nil {
		t.Fatal(err)
	}
	// Another user is not held up.
	other, err := l.Lock(ctx, "telegram:2")
	if err != nil {
		t.Fatal(err)
	}
	other()
	// The same user waits; a wait that ends gives up with its context's error.
	short, cancel := context.WithTimeout(ctx, 10*time.Millisecond)
	defer cancel()
	if _, err := l.Lock(short, "telegram:1"); err == nil {
		t.Fatal("a held key was locked twice")
	}
	got := make(chan struct{})
	go func() {
		u, err := l.Lock(ctx, "telegram:1")
		if err == nil {
			u()
		}
		close(got)
	}()
	unlock()
	<-got
	if len(l.held) != 0 {
		t.Errorf("%d keys kept after every lock was released", len(l.held))
	}
}

// overlapStore notices two turns of one user between load and save.
type overlapStore struct {
	*MemoryStore
	inside, overlaps atomic.Int32
}

func (o *overlapStore) LoadSession(ctx context.Context, key string) (Session, error) {
	if o.inside.Add(1) > 1 {
		o.overlaps.Add(1)
	}
	time.Sleep(time.Millisecond) // widen the window a race would need
	return o.MemoryStore.LoadSession(ctx, key)
}

func (o *overlapStore) SaveSession(ctx context.Context, key string, s Session) error {
	o.inside.Add(-1)
	return o.MemoryStore.SaveSession(ctx, key, s)
}

// One user's events take turns: no two are between loading and saving
// the session at once, or one would overwrite the other's.
func TestConversationsOneUserAtATime(t *testing.T) {
	c, _, _ := newCore(t)
	store := &overlapStore{MemoryStore: NewMemoryStore()}
	cs := NewConversations(c, store, ConversationConfig{FloodLimit: 1000})
	from := Address{Channel: "test", User: "1", Chat: "1"}
	var wg sync.WaitGroup
	for range 20 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, err := cs.Handle(t.Context(), Event{From: from, Kind: EventButton, Button: ButtonCard("id-card")}); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	if n := store.overlaps.Load(); n > 0 {
		t.Errorf("%d turns of one user overlapped", n)
	}
}

func BenchmarkLocalLocker(b *testing.B) {
	var l LocalLocker
	ctx := context.Background()
	for b.Loop() {
		u, _ := l.Lock(ctx, "telegram:1")
		u()
	}
}

func TestSaysSomething(t *testing.T) {
	tests := map[string]bool{
		"":                   false,
		"...":                false,
		"[music]":            false,
		"(tiếng ồn)":         false,
		"a":                  false,
		"làm giấy khai sinh": true,
		"  cấp cứu  ":        true,
		"113":                false, // digits alone: nothing to answer
	}
	for text, want := range tests {
		if got := saysSomething(text); got != want {
			t.Errorf("saysSomething(%q) = %v, want %v", text, got, want)
		}
	}
}

// A user over the flood limit still gets the emergency numbers.
func TestFloodNeverSilencesAnEmergency(t *testing.T) {
	c, _, _ := newCore(t)
	cs := NewConversations(c, NewMemoryStore(), ConversationConfig{FloodLimit: 2})
	from := Address{Channel: "test", User: "1", Chat: "1"}
	say := func(text string) Response {
		resp, err := cs.Handle(t.Context(), Event{From: from, Kind: EventMessage, Input: Input{Text: text}})
		if err != nil {
			t.Fatal(err)
		}
		return resp
	}
	for range 4 {
		say("xin chào")
	}
	if resp := say("xin chào"); len(resp.Replies) != 0 || !resp.Flooded {
		t.Fatalf("flooding not limited: %+v", resp)
	}
	if resp := say("nha toi bi chay cuu voi"); len(resp.Replies) == 0 || resp.Replies[0].Kind != KindEmergency {
		t.Errorf("an emergency over the flood limit: %+v", resp)
	}
}

func TestParseDesk(t *testing.T) {
	d, err := ParseDesk("vi:-1001, hmn:-1002;*:-1003")
	if err != nil {
		t.Fatal(err)
	}
	if a, _ := d.For("hmn"); a.Chat != "-1002" || !a.Group || a.Channel != "telegram" {
		t.Errorf("hmn: %+v", a)
	}
	if a, _ := d.For("tay"); a.Chat != "-1003" {
		t.Errorf("tay falls back to *: %+v", a)
	}
	for _, bad := range []string{"vi", "xx:-1", "vi:group"} {
		if _, err := ParseDesk(bad); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
	if d, err := ParseDesk(""); err != nil || len(d) != 0 {
		t.Errorf("empty: %v %v", d, err)
	}
}
