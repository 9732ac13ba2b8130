package telegram

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"html"
	"io"
	"io/fs"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	tgbot "github.com/go-telegram/bot"
	"github.com/go-telegram/bot/models"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"

	"loa/bot"
	"loa/bot/telegramtest"
	"loa/content"
	"loa/knowledge"
	"loa/locales"
)

// harness runs the real go-telegram/bot client against the fake Bot API.
type harness struct {
	fake    *telegramtest.Server
	store   bot.Store
	adapter *Adapter
	metrics *Metrics
	cancel  context.CancelFunc
	done    chan error
}

func start(t *testing.T, store bot.Store) *harness {
	t.Helper()
	return run(t, newHarness(t, store))
}

// run starts the adapter polling; it stops when the test ends.
func run(t *testing.T, h *harness) *harness {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	h.cancel = cancel
	go func() { h.done <- h.adapter.Run(ctx, 5*time.Second) }()
	t.Cleanup(h.stop)
	return h
}

func newHarness(t *testing.T, store bot.Store) *harness {
	t.Helper()
	return newHarnessWith(t, store, content.FS(), Config{})
}

// shippedBase is the built-in content, indexed once for the package.
var shippedBase = sync.OnceValues(func() (*knowledge.Base, error) {
	kb, _, err := knowledge.Open(context.Background(), content.FS())
	return kb, err
})

// openBase indexes fsys, or shares the built-in content's index.
func openBase(t *testing.T, fsys fs.FS) (*knowledge.Base, error) {
	if fsys == content.FS() {
		return shippedBase()
	}
	kb, _, err := knowledge.Open(context.Background(), fsys)
	if err == nil {
		t.Cleanup(func() { kb.Close() })
	}
	return kb, err
}

// newHarnessWith runs on other content, with extra configuration (reviewers).
func newHarnessWith(t *testing.T, store bot.Store, fsys fs.FS, extra Config, coreOpts ...bot.Option) *harness {
	t.Helper()
	kb, err := openBase(t, fsys)
	if err != nil {
		t.Fatal(err)
	}
	cat, err := locales.Load(locales.FS())
	if err != nil {
		t.Fatal(err)
	}
	fake := telegramtest.New(t)
	if store == nil {
		store = bot.NewMemoryStore()
	}
	fast := Limits{Global: 1000, PerChat: 1000, PerGroup: 1000, Burst: 100}
	metrics := NewMetrics(prometheus.NewRegistry())
	cfg := extra
	cfg.Token, cfg.ServerURL, cfg.Metrics = fake.Token, fake.URL, metrics
	if cfg.Limits == (Limits{}) {
		cfg.Limits = fast
	}
	cfg.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	a, err := New(context.Background(), cfg, bot.New(kb, coreOpts...), kb, store, cat)
	if err != nil {
		t.Fatal(err)
	}
	a.send.backoff = time.Millisecond
	return &harness{fake: fake, store: store, adapter: a, metrics: metrics, done: make(chan error, 1)}
}

func (h *harness) stop() {
	h.cancel()
	<-h.done
	h.done <- nil // stop is idempotent
}

// say sends a private message and returns the texts of the n replies.
func (h *harness) expect(t *testing.T, n int) []telegramtest.Call {
	t.Helper()
	calls, err := h.fake.WaitCalls("sendMessage", n, 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	return calls
}

func lastText(calls []telegramtest.Call) string { return calls[len(calls)-1].Params["text"] }

func TestConversationOverTelegram(t *testing.T) {
	h := start(t, nil)
	const user = 1001
	h.fake.Push(telegramtest.Text(user, "/start"))
	calls := h.expect(t, 1)
	var kb models.InlineKeyboardMarkup
	if err := calls[0].Decode("reply_markup", &kb); err != nil || len(kb.InlineKeyboard) != 5 {
		t.Fatalf("/start should offer five languages: %v %+v", err, kb)
	}
	h.fake.Push(telegramtest.Callback(user, "l:hmn"))
	if !strings.Contains(lastText(h.expect(t, 2)), knowledge.Hmong.Name()) {
		t.Error("language switch not confirmed")
	}
	h.fake.Push(telegramtest.Text(user, "lam giay khai sinh cho con"))
	card := h.expect(t, 4)[2] // the card, then an offer to answer in Vietnamese
	if offer := h.fake.Calls("sendMessage")[3]; !strings.Contains(offer.Params["reply_markup"], "l:vi") {
		t.Errorf("no offer to switch to Vietnamese: %q", offer.Params["text"])
	}
	// The H'Mông text, with the notice that no native speaker has checked it
	// and a button to the Vietnamese.
	c, _ := knowledge.Load(content.FS())
	hmnText := c.Procedure("birth-registration").Texts[knowledge.Hmong]
	hmn := func(id string) string { return h.adapter.catalog.Text("hmn", id, nil) }
	if !strings.Contains(card.Params["text"], "<b>"+html.EscapeString(hmnText.Title)+"</b>") || card.Params["parse_mode"] != "HTML" {
		t.Errorf("card: %q", card.Params["text"])
	}
	if !strings.Contains(card.Params["text"], hmn("notice.machine")) {
		t.Error("no notice that the H'Mông text is unchecked")
	}
	kb = models.InlineKeyboardMarkup{}
	card.Decode("reply_markup", &kb)
	var data []string
	for _, row := range kb.InlineKeyboard {
		for _, b := range row {
			if len(b.CallbackData) > 64 {
				t.Errorf("callback_data over 64 bytes: %q", b.CallbackData)
			}
			data = append(data, b.CallbackData+b.URL)
		}
	}
	joined := strings.Join(data, " ")
	for _, want := range []string{"v:birth-registration", "s:birth-registration:documents", "https://dichvucong.gov.vn", "f:birth-registration:1"} {
		if !strings.Contains(joined, want) {
			t.Errorf("card buttons lack %q: %s", want, joined)
		}
	}
	h.fake.Push(telegramtest.Callback(user, "s:birth-registration:documents"))
	if !strings.Contains(lastText(h.expect(t, 5)), "giấy chứng sinh") {
		t.Error("documents button did not show the documents")
	}
	h.fake.Push(telegramtest.Text(user, "bao nhiêu tiền?"))
	if !strings.Contains(lastText(h.expect(t, 6)), hmn("card.fee")) {
		t.Error("follow-up on the last card failed")
	}
	h.fake.Push(telegramtest.Callback(user, "f:birth-registration:1"))
	if _, err := h.fake.WaitCalls("answerCallbackQuery", 3, 5*time.Second); err != nil {
		t.Fatal(err)
	}
}

func TestLanguageRemembered(t *testing.T) {
	store := bot.NewMemoryStore()
	h := start(t, store)
	h.fake.Push(telegramtest.Callback(7, "l:hmn"))
	cat, _ := locales.Load(locales.FS())
	if got, want := lastText(h.expect(t, 1)), esc(cat.Text("hmn", "lang.switched", map[string]any{"Name": "Lus Hmoob"})); got != want {
		t.Errorf("switching to H'Mông answered %q, want the H'Mông text %q", got, want)
	}
	h.fake.Push(telegramtest.Text(7, "thoi tiet sa pa"))
	if got, want := lastText(h.expect(t, 2)), esc(cat.Text("hmn", "none", nil)); got != want {
		t.Errorf("H'Mông user got %q, want %q", got, want)
	}
	h.stop()
	h2 := start(t, store) // a restart with the same state
	h2.fake.SkipUpdateIDs(100)
	h2.fake.Push(telegramtest.Text(7, "lam so do"))
	if text := lastText(h2.expect(t, 1)); !strings.Contains(text, "Lus Hmoob") && !strings.Contains(text, "⚠️") {
		t.Errorf("language forgotten after restart:\n%s", text)
	}
}

func TestGroups(t *testing.T) {
	store := newSettled()
	h := start(t, store)
	const group, user = -500, 42
	h.fake.Push(telegramtest.GroupText(group, user, "lam giay khai sinh cho con")) // not addressed: ignored
	h.fake.Push(telegramtest.GroupText(group, user, "/ask@OtherBot khai sinh", models.MessageEntity{Type: models.MessageEntityTypeBotCommand, Offset: 0, Length: 13}))
	h.fake.Push(telegramtest.GroupText(group, user, "/ask@LoaBot lam so do", models.MessageEntity{Type: models.MessageEntityTypeBotCommand, Offset: 0, Length: 11}))
	text := "Bà ơi 👵 @LoaBot làm căn cước cho cháu"
	offset := utf16Len("Bà ơi 👵 ")
	store.wait(t, h.fake.Push(telegramtest.GroupText(group, user, text, models.MessageEntity{Type: models.MessageEntityTypeMention, Offset: offset, Length: 7}))) // one user: all before it are done too
	calls := h.fake.Calls("sendMessage")
	if n := len(h.fake.Calls("sendMessage")); n != 2 {
		t.Fatalf("%d replies in the group, want 2", n)
	}
	if !strings.Contains(calls[0].Params["text"], "sổ đỏ") || !strings.Contains(calls[1].Params["text"], "căn cước") {
		t.Errorf("group answers:\n%s\n---\n%s", calls[0].Params["text"], calls[1].Params["text"])
	}
	if strings.Contains(calls[0].Params["text"], "Lệ phí") {
		t.Error("group card should be short")
	}
}

func TestRetriesAfter429(t *testing.T) {
	h := start(t, nil)
	h.fake.Fail("sendMessage", telegramtest.Fault{Status: 429, RetryAfter: 1})
	h.fake.Fail("sendMessage", telegramtest.Fault{Status: 502})
	h.fake.Push(telegramtest.Text(9, "lam so do"))
	calls := h.expect(t, 3) // two failures, then the reply
	if !strings.Contains(lastText(calls), "sổ đỏ") {
		t.Errorf("reply lost after 429 and 502: %q", lastText(calls))
	}
}

func TestOrderPerChatAndDuplicates(t *testing.T) {
	h := start(t, nil)
	u := telegramtest.Text(5, "bao hiem")
	h.fake.Push(u)
	h.fake.Push(telegramtest.Text(5, "1"))
	calls := h.expect(t, 2)
	if !strings.Contains(calls[0].Params["text"], "Chọn một số") || !strings.Contains(calls[1].Params["text"], "<b>") {
		t.Errorf("answers out of order:\n%s\n---\n%s", calls[0].Params["text"], calls[1].Params["text"])
	}
	again := telegramtest.Text(5, "lam so do")
	again.ID = h.fake.Push(again)
	h.expect(t, 3)
	h.fake.Redeliver(again) // Telegram sends it once more
	h.fake.Push(telegramtest.Text(5, "xin chào"))
	calls = h.expect(t, 4)
	if n := len(h.fake.Calls("sendMessage")); n != 4 || !strings.Contains(lastText(calls), "Xin chào") {
		t.Errorf("a redelivered update was answered twice: %d replies", n)
	}
}

func TestInline(t *testing.T) {
	h := start(t, nil)
	h.fake.Push(models.Update{InlineQuery: &models.InlineQuery{ID: "q1", From: &models.User{ID: 3}, Query: "khai sinh"}})
	calls, err := h.fake.WaitCalls("answerInlineQuery", 1, 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	var results []map[string]any
	if err := calls[0].Decode("results", &results); err != nil || len(results) == 0 {
		t.Fatalf("no inline results: %v %s", err, calls[0].Params["results"])
	}
	if results[0]["id"] != "birth-registration" {
		t.Errorf("first inline result %v", results[0]["id"])
	}
}

func TestNonTextAndLongInput(t *testing.T) {
	h := start(t, nil)
	sticker := telegramtest.Text(8, "")
	sticker.Message.Sticker = &models.Sticker{FileID: "x"}
	h.fake.Push(sticker)
	voice := telegramtest.Text(8, "")
	voice.Message.Voice = &models.Voice{FileID: "y"}
	h.fake.Push(voice)
	h.fake.Push(telegramtest.Text(8, strings.Repeat("khai sinh ", 500)))
	calls := h.expect(t, 3)
	for i, want := range []string{"chỉ đọc được chữ", "tin nhắn thoại", "dài quá"} {
		if !strings.Contains(calls[i].Params["text"], want) {
			t.Errorf("reply %d = %q, want %q", i, calls[i].Params["text"], want)
		}
	}
}

func TestGracefulShutdown(t *testing.T) {
	h := start(t, nil)
	h.fake.Fail("sendMessage", telegramtest.Fault{Delay: 300 * time.Millisecond})
	h.fake.Push(telegramtest.Text(11, "lam so do"))
	if _, err := h.fake.WaitCalls("sendMessage", 1, 5*time.Second); err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	wg.Add(1)
	go func() { defer wg.Done(); h.stop() }()
	wg.Wait() // Run returned: the reply in flight must have finished first
	if got := testutil.ToFloat64(h.metrics.Updates.WithLabelValues("message")); got != 1 {
		t.Errorf("the update in flight was not finished before Run returned (handled %v)", got)
	}
}

// startWebhook runs the adapter in webhook mode with the secret "s3cret"
// and returns the listener Telegram would post to.
func startWebhook(t *testing.T) (*harness, net.Listener) {
	t.Helper()
	h := newHarness(t, nil)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	h.cancel = cancel
	go func() { h.done <- h.adapter.RunWebhook(ctx, ln, "https://loa.example/hook", "s3cret", 5*time.Second) }()
	t.Cleanup(h.stop)
	if _, err := h.fake.WaitCalls("setWebhook", 1, 5*time.Second); err != nil {
		t.Fatal(err)
	}
	return h, ln
}

func TestWebhookSecret(t *testing.T) {
	h, ln := startWebhook(t)
	if url, secret := h.fake.Webhook(); url != "https://loa.example/hook" || secret != "s3cret" {
		t.Errorf("webhook registered as %q / %q", url, secret)
	}
	post := func(secret string, u models.Update) int {
		body, _ := json.Marshal(u)
		req, _ := http.NewRequest(http.MethodPost, "http://"+ln.Addr().String()+"/", bytes.NewReader(body))
		if secret != "" {
			req.Header.Set(secretHeader, secret)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	bad := telegramtest.Text(21, "lam so do")
	bad.ID = 900
	if code := post("wrong", bad); code != http.StatusForbidden {
		t.Errorf("wrong secret: status %d", code)
	}
	if code := post("", bad); code != http.StatusForbidden {
		t.Errorf("no secret: status %d", code)
	}
	if got := testutil.ToFloat64(h.metrics.WebhookRejected); got != 2 {
		t.Errorf("rejected webhook calls counted %v, want 2", got)
	}
	req, _ := http.NewRequest(http.MethodPost, "http://"+ln.Addr().String()+"/", strings.NewReader(`{"update_id":"oops","message":{"text":"cccd 001203004567"}}`))
	req.Header.Set(secretHeader, "s3cret")
	if resp, err := http.DefaultClient.Do(req); err != nil || resp.StatusCode != http.StatusBadRequest {
		t.Errorf("malformed update: %v %v", resp, err)
	}
	good := telegramtest.Text(21, "lam so do")
	good.ID = 901
	if code := post("s3cret", good); code != http.StatusOK {
		t.Errorf("right secret: status %d", code)
	}
	calls := h.expect(t, 1)
	if !strings.Contains(lastText(calls), "sổ đỏ") {
		t.Errorf("webhook update not answered: %q", lastText(calls))
	}
}

func TestFloodControl(t *testing.T) {
	store := newSettled()
	h := run(t, newHarnessWith(t, store, content.FS(), Config{FloodLimit: 3}))
	var last int64
	for i := 0; i < 6; i++ {
		last = h.fake.Push(telegramtest.Text(33, "xin chào"))
	}
	store.wait(t, last) // one user's updates run in order
	calls := h.fake.Calls("sendMessage")
	if n := len(calls); n != 4 {
		t.Fatalf("%d replies, want 3 answers and one note", n)
	}
	if !strings.Contains(lastText(calls), "nhanh quá") {
		t.Errorf("no flood note: %q", lastText(calls))
	}
	if got := testutil.ToFloat64(h.metrics.FloodLimited); got != 3 {
		t.Errorf("flood-limited messages counted %v, want 3", got)
	}
}

func TestAnswerMetrics(t *testing.T) {
	h := start(t, nil)
	h.fake.Push(telegramtest.Text(44, "lam so do"))
	h.fake.Push(telegramtest.Text(44, "bao hiem"))
	h.fake.Push(telegramtest.Text(44, "thoi tiet sa pa"))
	h.expect(t, 3)
	for outcome, want := range map[string]float64{"direct": 1, "choices": 1, "none": 1} {
		if got := testutil.ToFloat64(h.metrics.Answers.WithLabelValues(outcome)); got != want {
			t.Errorf("answers{%s} = %v, want %v", outcome, got, want)
		}
	}
}

func TestOldButtonsAnswerPolitely(t *testing.T) {
	h := start(t, nil)
	h.fake.Push(telegramtest.Callback(12, "p:no-such-procedure"))
	h.fake.Push(telegramtest.Callback(12, "s:gone:documents"))
	h.fake.Push(telegramtest.Callback(12, "zzz"))
	inline := telegramtest.Callback(12, "p:id-card")
	inline.CallbackQuery.Message = models.MaybeInaccessibleMessage{} // a card sent inline: no message
	inline.CallbackQuery.InlineMessageID = "abc"
	h.fake.Push(inline)
	if _, err := h.fake.WaitCalls("answerCallbackQuery", 4, 5*time.Second); err != nil {
		t.Fatal(err)
	}
	calls := h.expect(t, 3)
	if !strings.Contains(calls[0].Params["text"], "chưa có thông tin") || !strings.Contains(lastText(calls), "căn cước") {
		t.Errorf("replies: %q … %q", calls[0].Params["text"], lastText(calls))
	}
}

// A storm of 429s: every reply still arrives, and the retries are counted.
func TestRetryStorm(t *testing.T) {
	h := start(t, nil)
	for i := 0; i < 8; i++ {
		h.fake.Fail("sendMessage", telegramtest.Fault{Status: 429, RetryAfter: 1})
	}
	const users = 12
	for u := int64(1); u <= users; u++ {
		h.fake.Push(telegramtest.Text(200+u, "lam so do"))
	}
	calls, err := h.fake.WaitCalls("sendMessage", users+8, 20*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	answered := map[string]bool{}
	for _, c := range calls {
		answered[c.Params["chat_id"]] = true
	}
	if len(answered) != users {
		t.Errorf("%d of %d users answered", len(answered), users)
	}
	if got := testutil.ToFloat64(h.metrics.APIErrors.WithLabelValues("429")); got != 8 {
		t.Errorf("429s counted %v, want 8", got)
	}
	if got := testutil.ToFloat64(h.metrics.Dropped); got != 0 {
		t.Errorf("%v replies dropped", got)
	}
}

func TestQuestionLogIsRedacted(t *testing.T) {
	store := bot.NewMemoryStore()
	h := start(t, store)
	h.fake.Push(telegramtest.Text(55, "sdt 0912 345 678 đổi số trên vneid"))
	h.fake.Push(telegramtest.Text(55, "thoi tiet sa pa"))
	h.expect(t, 2)
	h.stop()
	if len(store.Questions) != 2 {
		t.Fatalf("logged %d questions, want 2", len(store.Questions))
	}
	if q := store.Questions[0]; strings.Contains(q.Text, "345") || !strings.Contains(q.Text, "[số]") {
		t.Errorf("logged text not redacted: %q", q.Text)
	}
	var kb models.InlineKeyboardMarkup
	if err := h.fake.Calls("sendMessage")[1].Decode("reply_markup", &kb); err != nil || kb.InlineKeyboard[0][0].CallbackData != "m" {
		t.Errorf("\"don't know\" should offer the menu: %v %+v", err, kb)
	}
	if q := store.Questions[1]; q.Outcome != "none" {
		t.Errorf("unanswered question logged as %q", q.Outcome)
	}
}

// The fake serves files the way Telegram does, for voice messages later.
func TestFakeFiles(t *testing.T) {
	h := newHarness(t, nil)
	h.fake.AddFile("v1", []byte("OggS…"))
	f, err := h.adapter.api.GetFile(context.Background(), &tgbot.GetFileParams{FileID: "v1"})
	if err != nil {
		t.Fatal(err)
	}
	resp, err := http.Get(h.adapter.api.FileDownloadLink(f))
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if string(body) != "OggS…" {
		t.Errorf("downloaded %q", body)
	}
}

func TestCommandsAndMenu(t *testing.T) {
	h := start(t, nil)
	const user = 61
	u := telegramtest.Text(user, "/help")
	u.Message.From.LanguageCode = "hmn" // not trusted: Loa speaks Vietnamese until asked
	h.fake.Push(u)
	if text := lastText(h.expect(t, 1)); !strings.Contains(text, "Loa trả lời câu hỏi") {
		t.Errorf("/help: %q", text)
	}
	h.fake.Push(telegramtest.Text(user, "/lang"))
	var kb models.InlineKeyboardMarkup
	if err := h.expect(t, 2)[1].Decode("reply_markup", &kb); err != nil || len(kb.InlineKeyboard) != 5 {
		t.Errorf("/lang should offer the languages: %v %+v", err, kb)
	}
	h.fake.Push(telegramtest.Text(user, "/menu"))
	kb = models.InlineKeyboardMarkup{}
	if err := h.expect(t, 3)[2].Decode("reply_markup", &kb); err != nil || kb.InlineKeyboard[0][0].CallbackData != "c:civil-status" {
		t.Fatalf("/menu should list categories: %v %+v", err, kb)
	}
	h.fake.Push(telegramtest.Callback(user, "c:land"))
	kb = models.InlineKeyboardMarkup{}
	if err := h.expect(t, 4)[3].Decode("reply_markup", &kb); err != nil || kb.InlineKeyboard[0][0].CallbackData != "p:land-certificate" {
		t.Fatalf("category should list its procedures: %v %+v", err, kb)
	}
	h.fake.Push(telegramtest.Callback(user, "p:land-certificate"))
	if text := lastText(h.expect(t, 5)); !strings.Contains(text, "<b>Cấp sổ đỏ lần đầu") {
		t.Errorf("menu did not open the card: %q", text)
	}
}

// A reply that fails every retry is logged and counted, never silently lost.
// A reply is retried through server errors until it is delivered, and
// dropped (and counted) only when Telegram says it never can be, or after
// the outbox's retry budget.
func TestRepliesRetriedUntilDelivered(t *testing.T) {
	h := start(t, nil)
	for range 8 {
		h.fake.Fail("sendMessage", telegramtest.Fault{Status: 502})
	}
	h.fake.Push(telegramtest.Text(62, "lam so do"))
	calls := h.expect(t, 9)
	if !strings.Contains(lastText(calls), "sổ đỏ") {
		t.Errorf("reply after the errors: %q", lastText(calls))
	}
	if got := testutil.ToFloat64(h.metrics.Dropped); got != 0 {
		t.Errorf("dropped %v replies that were delivered", got)
	}

	h.fake.Fail("sendMessage", telegramtest.Fault{Status: 403})
	h.fake.Push(telegramtest.Text(63, "lam so do"))
	h.fake.Push(telegramtest.Text(64, "lam so do"))
	h.expect(t, 11) // the blocked chat's one attempt, and the other's reply
	awaitCount(t, h.metrics.Dropped, 1)

	h.adapter.outbox.maxRetry.Store(0) // a server that never recovers
	for range 3 {
		h.fake.Fail("sendMessage", telegramtest.Fault{Status: 500})
	}
	h.fake.Push(telegramtest.Text(65, "lam so do"))
	awaitCount(t, h.metrics.Dropped, 2)
}

// awaitCount waits until c reaches want; the counter has no event to await.
func awaitCount(t *testing.T, c prometheus.Collector, want float64) {
	t.Helper()
	for deadline := time.Now().Add(time.Minute); testutil.ToFloat64(c) < want && time.Now().Before(deadline); {
		time.Sleep(5 * time.Millisecond)
	}
	if got := testutil.ToFloat64(c); got != want {
		t.Errorf("counted %v, want %v", got, want)
	}
}

// After one 429, no reply to any chat goes out before retry_after.
func TestRetryAfterHoldsEveryChat(t *testing.T) {
	h := start(t, nil)
	var mu sync.Mutex
	var sends []time.Time
	h.fake.Observe(func(c telegramtest.Call) {
		if c.Method == "sendMessage" {
			mu.Lock()
			sends = append(sends, time.Now())
			mu.Unlock()
		}
	})
	h.fake.Fail("sendMessage", telegramtest.Fault{Status: 429, RetryAfter: 1})
	h.fake.Push(telegramtest.Text(70, "lam so do"))
	// Once the 429 is seen (counted), not merely sent: a reply already on
	// its way when the 429 comes back cannot be held.
	awaitCount(t, h.metrics.APIErrors.WithLabelValues("429"), 1)
	for user := int64(71); user < 81; user++ {
		h.fake.Push(telegramtest.Text(user, "lam so do"))
	}
	h.expect(t, 12)
	mu.Lock()
	defer mu.Unlock()
	for i, at := range sends[1:] {
		if d := at.Sub(sends[0]); d < time.Second {
			t.Errorf("send %d went out %v after the 429, inside its retry_after of 1 s", i+1, d)
		}
	}
}

func TestGroupIgnoresOtherBotsCommands(t *testing.T) {
	store := newSettled()
	h := start(t, store)
	cmd := func(text string, n int) models.Update {
		return telegramtest.GroupText(-600, 42, text, models.MessageEntity{Type: models.MessageEntityTypeBotCommand, Offset: 0, Length: n})
	}
	h.fake.Push(cmd("/weather hanoi", 8))
	h.fake.Push(cmd("/ban", 4))
	store.wait(t, h.fake.Push(cmd("/help", 5)))
	calls := h.fake.Calls("sendMessage")
	if n := len(h.fake.Calls("sendMessage")); n != 1 || !strings.Contains(calls[0].Params["text"], "Loa trả lời") {
		t.Errorf("%d replies in the group, want only /help's", n)
	}
}

func TestOddUpdatesDoNotCrash(t *testing.T) {
	h := start(t, nil)
	h.fake.Push(models.Update{InlineQuery: &models.InlineQuery{ID: "q", Query: "khai sinh"}})    // no From
	h.fake.Push(models.Update{Message: &models.Message{Chat: models.Chat{ID: 9}, Text: "kênh"}}) // a channel post
	h.fake.Push(models.Update{})
	h.fake.Push(telegramtest.Text(70, "lam so do"))
	if !strings.Contains(lastText(h.expect(t, 1)), "sổ đỏ") {
		t.Error("the bot stopped answering after odd updates")
	}
}

func TestOutcomeIgnoresOffer(t *testing.T) {
	reps := []bot.Reply{{Kind: bot.KindNotice}, {Kind: bot.KindCard}, {Kind: bot.KindOffer}}
	if got := bot.Outcome(reps); got != "direct" {
		t.Errorf("outcome = %q, want direct", got)
	}
}

func TestLibErrorHidesBodies(t *testing.T) {
	err := fmt.Errorf(`error decode response body for method getUpdates, {"text":"cccd 001203004567 tên tôi"}, oops`)
	got := libError(err)
	if strings.Contains(got, "001203004567") || strings.Contains(got, "tên tôi") {
		t.Errorf("library error leaks the body: %q", got)
	}
}

// A forged entity with a negative length is ignored, not a panic, and a
// pasted megabyte is answered politely and logged only as far as it could
// be answered.
func TestMalformedEntitiesAndHugeText(t *testing.T) {
	store := bot.NewMemoryStore()
	h := start(t, store)
	h.fake.Push(telegramtest.GroupText(-700, 42, "/ask@LoaBot lam so do", models.MessageEntity{Type: models.MessageEntityTypeBotCommand, Offset: 0, Length: -5}))
	forged := telegramtest.Text(43, "/start")
	forged.Message.Entities = []models.MessageEntity{{Type: models.MessageEntityTypeBotCommand, Offset: 2, Length: -9}}
	h.fake.Push(forged)
	h.fake.Push(telegramtest.Text(44, strings.Repeat("lam giay khai sinh ", 60000)))
	h.expect(t, 3)
	h.stop()
	if got := testutil.ToFloat64(h.metrics.Updates.WithLabelValues("message")); got != 3 {
		t.Errorf("%v messages handled, want 3", got)
	}
	for _, q := range store.Questions {
		if n := len([]rune(q.Text)); n > bot.MaxInputRunes+1 {
			t.Errorf("logged %d characters of one question", n)
		}
	}
}

// A caller without the secret gets 403 on its headers alone, however slow
// its body; idle connections beyond the cap wait and are dropped, and
// Telegram's calls still get through.
func TestWebhookResistsExhaustion(t *testing.T) {
	_, ln := startWebhook(t)
	addr := ln.Addr().String()
	// Headers with a wrong secret and a body promised but never sent.
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	fmt.Fprintf(conn, "POST / HTTP/1.1\r\nHost: x\r\n%s: wrong\r\nContent-Length: 100000\r\n\r\n", secretHeader)
	conn.SetReadDeadline(time.Now().Add(time.Minute)) // a hang guard, not a timing check
	status, err := bufio.NewReader(conn).ReadString('\n')
	if err != nil || !strings.Contains(status, "403") {
		t.Fatalf("wrong secret with a slow body: %q %v", status, err)
	}
	// More idle connections than the cap.
	var idle []net.Conn
	for range maxWebhookConns + 50 {
		c, err := net.Dial("tcp", addr)
		if err != nil {
			break // the backlog is full: that is the point
		}
		idle = append(idle, c)
	}
	defer func() {
		for _, c := range idle {
			c.Close()
		}
	}()
	good := telegramtest.Text(21, "lam so do")
	good.ID = 902
	body, _ := json.Marshal(good)
	req, _ := http.NewRequest(http.MethodPost, "http://"+addr+"/", bytes.NewReader(body))
	req.Header.Set(secretHeader, "s3cret")
	client := &http.Client{Timeout: 2 * time.Minute}
	resp, err := client.Do(req)
	if err != nil {
		t.Fatalf("Telegram's call did not get through %d idle connections: %v", len(idle), err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Errorf("status %d", resp.StatusCode)
	}
}

// fullDisk is a store whose every write fails, as on a full disk or a
// database made read-only while running.
type fullDisk struct{ bot.Store }

var errFull = errors.New("database or disk is full")

func (fullDisk) SaveSession(context.Context, string, bot.Session) error { return errFull }
func (fullDisk) Receive(context.Context, int64, []byte, time.Time) (bool, error) {
	return false, errFull
}
func (fullDisk) Complete(context.Context, int64, []bot.Outgoing, ...int64) error { return errFull }
func (fullDisk) AddFeedback(context.Context, bot.Feedback) error                 { return errFull }
func (fullDisk) LogQuestion(context.Context, bot.LoggedQuestion) error           { return errFull }

// With the state database failing, every question is still answered from
// the knowledge base, buttons are still answered, and Health says why.
func TestAnswersWhenStateCannotBeWritten(t *testing.T) {
	h := start(t, fullDisk{bot.NewMemoryStore()})
	for u := int64(90); u < 100; u++ {
		h.fake.Push(telegramtest.Text(u, "lam giay khai sinh"))
	}
	h.fake.Push(telegramtest.Callback(90, "f:birth-registration:1"))
	calls := h.expect(t, 10)
	if !strings.Contains(lastText(calls), "khai sinh") {
		t.Errorf("reply: %q", lastText(calls))
	}
	if _, err := h.fake.WaitCalls("answerCallbackQuery", 1, 5*time.Second); err != nil {
		t.Error("a button kept spinning")
	}
	if err := h.adapter.Health(); err == nil || !strings.Contains(err.Error(), "full") {
		t.Errorf("Health() = %v, want the disk error", err)
	}
	if got := testutil.ToFloat64(h.metrics.StateErrors.WithLabelValues("journal")); got < 10 {
		t.Errorf("journal failures counted %v, want 10 or more", got)
	}
}

// TestFaultTable replays the adversarial probe's faults on the Bot API
// while 40 users each wait for a reply, and tallies them (go test -v -run
// TestFaultTable ./bot/telegram): every reply delivered, once.
func TestFaultTable(t *testing.T) {
	const users = 40
	faults := []struct {
		name  string
		fault telegramtest.Fault
		n     int
	}{
		{"429 retry_after 1, 20 times", telegramtest.Fault{Status: 429, RetryAfter: 1}, 20},
		{"500, 40 times", telegramtest.Fault{Status: 500}, 40},
		{"502, 40 times", telegramtest.Fault{Status: 502}, 40},
		{"connection reset, 40 times", telegramtest.Fault{Reset: true}, 40},
		{"answer after 2 s, 10 times", telegramtest.Fault{Delay: 2 * time.Second}, 10},
	}
	for _, f := range faults {
		t.Run(f.name, func(t *testing.T) {
			h := start(t, nil)
			for range f.n {
				h.fake.Fail("sendMessage", f.fault)
			}
			for u := int64(1); u <= users; u++ {
				h.fake.Push(telegramtest.Text(2000+u, "lam giay khai sinh"))
			}
			got := map[string]int{}
			for deadline := time.Now().Add(2 * time.Minute); time.Now().Before(deadline); {
				got = map[string]int{}
				for _, c := range h.fake.Calls("sendMessage") {
					if !c.Failed && strings.Contains(c.Params["text"], "khai sinh") {
						got[c.Params["chat_id"]]++
					}
				}
				if len(got) == users {
					break
				}
				time.Sleep(20 * time.Millisecond) // calls have no event for "all answered"
			}
			delivered, twice := len(got), 0
			for _, n := range got {
				if n > 1 {
					twice++
				}
			}
			t.Logf("| %s | %d | %d | %d |", f.name, delivered, users-delivered, twice)
			if delivered != users || twice != 0 {
				t.Errorf("%d of %d delivered, %d twice", delivered, users, twice)
			}
		})
	}
}

// A group's 25 /ask get 25 replies, queued behind the group's 20 a minute
// rather than dropped; and a newcomer is answered while 16 busy chats wait
// for their own send budgets.
func TestQueuesInsteadOfDropping(t *testing.T) {
	h := newHarness(t, nil)
	h.adapter.send.limits = Limits{Global: 1000, PerChat: 20, PerGroup: 50, Burst: 1}
	run(t, h)
	for u := int64(1); u <= 25; u++ {
		h.fake.Push(telegramtest.GroupText(-800, 3000+u, "/ask lam so do", models.MessageEntity{Type: models.MessageEntityTypeBotCommand, Offset: 0, Length: 4}))
	}
	for u := int64(1); u <= 16; u++ {
		for range 5 {
			h.fake.Push(telegramtest.Text(4000+u, "lam so do"))
		}
	}
	h.fake.Push(telegramtest.Text(4999, "lam giay khai sinh"))
	calls := h.expect(t, 25+16*5+1)
	group, newcomer, busyAfter := 0, -1, 0
	for i, c := range calls {
		switch c.Params["chat_id"] {
		case "-800":
			group++
		case "4999":
			newcomer = i
		}
	}
	for _, c := range calls[newcomer+1:] {
		if c.Params["chat_id"] != "-800" {
			busyAfter++
		}
	}
	if group != 25 {
		t.Errorf("the group got %d replies, want 25", group)
	}
	if busyAfter == 0 {
		t.Error("the newcomer waited until every busy chat was done")
	}
}

// panicky is a store that breaks in the middle of a turn.
type panicky struct{ bot.Store }

func (panicky) LoadSession(context.Context, string) (bot.Session, error) { panic("corrupt row") }

// An internal error gets the citizen a short apology, never silence, and
// is counted.
func TestInternalErrorApologises(t *testing.T) {
	h := start(t, panicky{bot.NewMemoryStore()})
	h.fake.Push(telegramtest.Text(31, "lam giay khai sinh"))
	if !strings.Contains(lastText(h.expect(t, 1)), "Xin lỗi") {
		t.Error("no apology")
	}
	if got := testutil.ToFloat64(h.metrics.Apologies); got != 1 {
		t.Errorf("apologies counted %v", got)
	}
}
