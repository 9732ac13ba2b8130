package telegram

import (
	"context"
	"slices"
	"strconv"
	"sync"
	"testing"
	"time"

	"loa/bot/telegramtest"
	"loa/content"
)

// BenchmarkLoad sends questions from many simulated users through the fake
// Bot API (no rate limits there, Loa's own limits raised) and reports
// updates handled per second and the time from update to reply: "burst"
// pushes everything at once (capacity), "paced" offers 1,000 updates a
// second (latency at that load).
//
// "paced-merge-2s" runs the paced load with questions sent in pieces
// gathered (MergeWindow 2 s) and questions each complete alone: the
// window must cost them nothing but the check (a message that waits is
// answered when the window ends, by design).
func BenchmarkLoad(b *testing.B) {
	b.Run("burst", func(b *testing.B) { load(b, 0, 0) })
	b.Run("paced-1000-per-s", func(b *testing.B) { load(b, 10*time.Millisecond, 0) })
	b.Run("paced-merge-2s", func(b *testing.B) { load(b, 10*time.Millisecond, 2*time.Second) })
}

// load pushes b.N questions: all at once when every is 0, else ten every
// interval (a 1 ms ticker cannot keep pace on a busy 2-core machine).
func load(b *testing.B, every, window time.Duration) {
	users := max(200, b.N/10) // ten questions each at most: well inside the flood limit
	h := newHarnessWith(&testing.T{}, nil, content.FS(), Config{MergeWindow: window})
	h.adapter.send = newSender(Limits{Global: 1e6, PerChat: 1e6, PerGroup: 1e6, Burst: 1000}, func(string) {})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- h.adapter.Run(ctx, 10*time.Second) }()
	defer func() { cancel(); <-done }()

	var mu sync.Mutex
	sent := map[int64][]time.Time{} // per user, when each question was pushed
	var took []time.Duration
	replies := make(chan struct{}, 1<<16)
	h.fake.Observe(func(c telegramtest.Call) {
		if c.Method != "sendMessage" {
			return
		}
		chat, _ := strconv.ParseInt(c.Params["chat_id"], 10, 64)
		mu.Lock()
		if q := sent[chat]; len(q) > 0 {
			took = append(took, time.Since(q[0]))
			sent[chat] = q[1:]
		}
		mu.Unlock()
		replies <- struct{}{}
	})
	questions := []string{"lam so do", "dang ky tam tru o dau", "cap lai can cuoc mat bao lau", "xin chào", "bao hiem y te cho tre em"}
	if window > 0 {
		// Greetings and unsure questions wait for the rest: by design, not
		// measured here.
		questions[3], questions[4] = "làm giấy khai sinh", "dang ky ket hon can giay to gi"
	}
	b.ResetTimer()
	start := time.Now()
	var tick *time.Ticker
	if every > 0 {
		tick = time.NewTicker(every)
		defer tick.Stop()
	}
	for i := 0; i < b.N; i++ {
		if tick != nil && i%10 == 0 {
			<-tick.C
		}
		user := int64(1 + i%users)
		mu.Lock()
		sent[user] = append(sent[user], time.Now())
		mu.Unlock()
		h.fake.Push(telegramtest.Text(user, questions[i%len(questions)]))
	}
	for i := 0; i < b.N; i++ {
		select {
		case <-replies:
		case <-time.After(30 * time.Second):
			b.Fatalf("only %d of %d replies arrived", i, b.N)
		}
	}
	elapsed := time.Since(start)
	b.StopTimer()
	slices.Sort(took)
	b.ReportMetric(float64(b.N)/elapsed.Seconds(), "updates/s")
	if len(took) > 0 {
		b.ReportMetric(ms(took[len(took)/2]), "p50-ms")
		b.ReportMetric(ms(took[len(took)*99/100]), "p99-ms")
	}
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
