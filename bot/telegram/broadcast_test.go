package telegram

import (
	"context"
	"io"
	"log/slog"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"loa/bot"
	"loa/bot/telegramtest"
	"loa/content"
	"loa/knowledge"
	"loa/locales"
	"loa/sqlite"
)

var blockedByUser = telegramtest.Fault{Status: 403, Description: "Forbidden: bot was blocked by the user"}

// /subscribe, /broadcast by an editor, the announcement to the language's
// subscribers only, and the editor told the result.
func TestBroadcastFlow(t *testing.T) {
	store := bot.NewMemoryStore()
	h := run(t, newHarnessWith(t, store, content.FS(), Config{Talk: bot.ConversationConfig{Editors: map[string]bool{"telegram:90": true}}, BroadcastRate: 1000}))
	for _, u := range []int64{91, 92, 93} {
		h.fake.Push(telegramtest.Callback(u, bot.ButtonLang(knowledge.Hmong)))
		h.fake.Push(telegramtest.Text(u, "/subscribe"))
	}
	h.fake.Push(telegramtest.Text(94, "/subscribe")) // Vietnamese: not in a H'Mông broadcast
	h.fake.FailChat(93, blockedByUser)
	h.fake.Push(telegramtest.Text(95, "/broadcast hmn Txoj cai tshiab")) // not an editor
	if _, err := h.fake.WaitCalls("sendMessage", 8, 5*time.Second); err != nil {
		t.Fatal(err)
	}
	h.fake.Push(telegramtest.Text(90, "/broadcast"))
	h.fake.Push(telegramtest.Text(90, "/broadcast hmn Txoj cai **tshiab** txij 1/1/2027"))
	// Two replies to the editor, three announcements (one refused) and the
	// result.
	calls, err := h.fake.WaitCalls("sendMessage", 14, 10*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	var toEditor []string
	got := map[string]string{}
	for _, c := range calls {
		if c.Params["chat_id"] == "95" && !strings.Contains(c.Params["text"], "biên tập") {
			t.Errorf("a citizen's /broadcast: %q", c.Params["text"])
		}
		if c.Params["chat_id"] == "90" {
			toEditor = append(toEditor, c.Params["text"])
		} else if strings.Contains(c.Params["text"], "📢") {
			got[c.Params["chat_id"]] = c.Params["text"]
		}
	}
	if len(got) != 3 || !strings.Contains(got["91"], "Txoj cai tshiab txij 1/1/2027") || strings.Contains(got["91"], "**") || got["94"] != "" {
		t.Errorf("announcements: %v", got)
	}
	if len(toEditor) != 3 || !strings.Contains(toEditor[0], "/broadcast &lt;ngôn ngữ&gt;") || !strings.Contains(toEditor[1], "3 người nhận") || !strings.Contains(toEditor[2], "2 người nhận được, 1 người đã chặn Loa, 0 không") {
		t.Errorf("to the editor: %q", toEditor)
	}
	// The user who blocked the bot is unsubscribed.
	if _, n, _ := store.AddBroadcast(t.Context(), bot.Broadcast{Lang: knowledge.Hmong, Text: "x"}); n != 2 {
		t.Errorf("%d subscribers after a block, want 2", n)
	}
}

// A broadcast to 2,000 subscribers at Telegram's real limits, with users
// who blocked the bot, chats that are gone and a 429, stopped part way and
// resumed by another process on the same database: everyone reachable gets
// it exactly once, and the counts add up.
func TestBroadcastTwoThousandResumed(t *testing.T) {
	subscribers := 2000
	if testing.Short() {
		subscribers = 200
	}
	ctx := t.Context()
	store, err := sqlite.Open(ctx, t.TempDir()+"/loa.db")
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	fake := telegramtest.New(t)
	blocked, gone := 0, 0
	for i := range subscribers {
		id := int64(100000 + i)
		to := bot.Address{Channel: channel, User: strconv.FormatInt(id, 10), Chat: strconv.FormatInt(id, 10)}
		store.Subscribe(ctx, to, knowledge.Tay)
		switch {
		case i%40 == 7:
			fake.FailChat(id, blockedByUser)
			blocked++
		case i%100 == 13:
			fake.FailChat(id, telegramtest.Fault{Status: 400, Description: "Bad Request: chat not found"})
			gone++
		}
	}
	fake.Fail("sendMessage", telegramtest.Fault{Status: 429, RetryAfter: 1})
	b, n, err := bot.NewBroadcast(ctx, store, knowledge.Tay, "Từ 1/1/2027 …", bot.Address{}, time.Now())
	if err != nil || n != subscribers {
		t.Fatalf("%d recipients (%v)", n, err)
	}

	kb, _ := shippedBase()
	cat, _ := locales.Load(locales.FS())
	start := func() (stop func()) {
		a, err := New(ctx, Config{Token: fake.Token, ServerURL: fake.URL, Limits: TelegramLimits(), BroadcastRate: TelegramLimits().Global,
			Metrics: NewMetrics(prometheus.NewRegistry()), Logger: slog.New(slog.NewTextHandler(io.Discard, nil))}, bot.New(kb), kb, store, cat)
		if err != nil {
			t.Fatal(err)
		}
		a.send.backoff = time.Millisecond
		rctx, cancel := context.WithCancel(ctx)
		done := make(chan error, 1)
		go func() { done <- a.Run(rctx, 10*time.Second) }()
		return func() { cancel(); <-done }
	}
	began := time.Now()
	stop := start()
	if _, err := fake.WaitCalls("sendMessage", subscribers/3, 2*time.Minute); err != nil {
		t.Fatal(err)
	}
	stop() // a restart part way
	mid, _ := store.BroadcastReports(ctx, b.ID)
	stop = start()
	defer stop()
	var r bot.BroadcastReport
	for deadline := time.Now().Add(3 * time.Minute); ; time.Sleep(200 * time.Millisecond) {
		rs, err := store.BroadcastReports(ctx, b.ID)
		if err != nil {
			t.Fatal(err)
		}
		if r = rs[0]; r.Done() || time.Now().After(deadline) {
			break
		}
	}
	took := time.Since(began)
	per := map[string]int{}
	for _, c := range fake.Calls("sendMessage") {
		if !c.Failed {
			per[c.Params["chat_id"]]++
		}
	}
	twice := 0
	for _, k := range per {
		if k > 1 {
			twice++
		}
	}
	t.Logf("%d subscribers in %v (%.1f/s), restarted after %d: %d sent, %d blocked, %d failed, %d waiting; %d got it twice",
		subscribers, took.Round(100*time.Millisecond), float64(subscribers)/took.Seconds(), mid[0].Sent+mid[0].Blocked+mid[0].Failed, r.Sent, r.Blocked, r.Failed, r.Pending, twice)
	if r.Pending != 0 || r.Blocked != blocked || r.Failed != gone || r.Sent != subscribers-blocked-gone {
		t.Errorf("report %+v; want %d blocked, %d failed, %d sent", r, blocked, gone, subscribers-blocked-gone)
	}
	if twice != 0 {
		t.Errorf("%d users got the broadcast twice", twice)
	}
}
