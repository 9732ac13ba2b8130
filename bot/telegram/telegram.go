// Package telegram runs Loa's conversation core as a Telegram bot on
// github.com/go-telegram/bot: updates become bot.Input, replies become
// HTML messages with inline keyboards.
package telegram

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf16"

	tgbot "github.com/go-telegram/bot"
	"github.com/go-telegram/bot/models"
	"github.com/prometheus/client_golang/prometheus"
	"golang.org/x/time/rate"

	"loa/bot"
	"loa/knowledge"
	"loa/locales"
	"loa/privacy"
)

// Config configures an Adapter.
type Config struct {
	Token     string
	ServerURL string // Bot API server; empty for Telegram's
	Workers   int    // chats handled at once
	Limits    Limits
	Timeout   time.Duration // per update
	Logger    *slog.Logger
	Metrics   *Metrics // nil: unregistered metrics
	// FloodLimit is how many messages one user may send a minute; more get
	// a polite note, so one user cannot starve the others. 0 means 20.
	FloodLimit int
	// Conversations runs the conversations; nil: one of the adapter's own,
	// configured with Talk (the adapter fills in FloodLimit, StateError and
	// Logger). Share one between channels so the core reaches every
	// channel's users.
	Conversations *bot.Conversations
	Talk          bot.ConversationConfig
	// MergeWindow is how long a private message that looks unfinished
	// waits for the rest of the question (a question sent in two or three
	// messages is answered as one); 0: never waits.
	MergeWindow time.Duration
	// BroadcastRate is the messages per second broadcasts may take of the
	// global budget; 0: half of it, so replies always have the rest.
	BroadcastRate rate.Limit
}

// Adapter connects the core to Telegram.
type Adapter struct {
	api        *tgbot.Bot
	core       *bot.Core
	talk       *bot.Conversations // sessions, flood, commands, buttons, question log
	store      bot.Store
	render     renderer
	catalog    *locales.Catalog
	send       *sender
	dispatch   *dispatcher
	gather     *gather
	replayed   sync.Map // update ids answered after a restart
	broadcasts *broadcaster
	log        *slog.Logger
	timeout    time.Duration
	botName    string // the bot's @username, without @
	botID      int64
	knowledge  bot.Knowledge // for inline mode
	metrics    *Metrics
	refusals   *rate.Limiter // how often a refused webhook call is logged
	gate       *journalGate
	outbox     *outbox
	health     health
	stateLog   *rate.Limiter // how often a failing state store is logged
	files      *http.Client  // downloads of voice notes
	speaker    bot.Speaker   // reads cards aloud; nil: no voice
	jobs       context.Context
	stopJobs   context.CancelFunc // ends the updates still running after the grace period
}

// New connects to the Bot API (getMe) and returns an Adapter.
func New(ctx context.Context, cfg Config, core *bot.Core, kb bot.Knowledge, store bot.Store, catalog *locales.Catalog) (*Adapter, error) {
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if cfg.Workers <= 0 {
		cfg.Workers = 16
	}
	if cfg.Limits == (Limits{}) {
		cfg.Limits = TelegramLimits()
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = 30 * time.Second
	}
	if cfg.Metrics == nil {
		cfg.Metrics = NewMetrics(prometheus.NewRegistry())
	}
	a := &Adapter{
		core: core, knowledge: kb, store: store, catalog: catalog,
		render:   renderer{catalog: catalog},
		dispatch: newDispatcher(cfg.Workers),
		log:      cfg.Logger,
		timeout:  cfg.Timeout,
		metrics:  cfg.Metrics,
		refusals: rate.NewLimiter(rate.Every(10*time.Second), 1),
		files:    &http.Client{Timeout: time.Minute},
		speaker:  cfg.Talk.Speaker,
		stateLog: rate.NewLimiter(rate.Every(10*time.Second), 1),
	}
	a.send = newSender(cfg.Limits, func(reason string) {
		a.metrics.APIErrors.WithLabelValues(reason).Inc()
		a.log.Warn("telegram: retrying a call", "reason", reason)
	})
	a.talk = cfg.Conversations
	if a.talk == nil {
		talk := cfg.Talk
		if talk.FloodLimit == 0 {
			talk.FloodLimit = cfg.FloodLimit
		}
		if talk.StateError == nil {
			talk.StateError = a.stateError
		}
		if talk.Logger == nil {
			talk.Logger = cfg.Logger
		}
		a.talk = bot.NewConversations(core, store, talk)
	}
	a.talk.Attach(channel, a)
	a.gate = newJournalGate()
	a.gather = newGather(a, cfg.MergeWindow)
	if cfg.BroadcastRate <= 0 {
		cfg.BroadcastRate = cfg.Limits.Global / 2
	}
	a.broadcasts = newBroadcaster(a, cfg.BroadcastRate)
	a.outbox = newOutbox(a)
	a.jobs, a.stopJobs = context.WithCancel(context.Background())
	opts := []tgbot.Option{
		tgbot.WithDefaultHandler(a.receive), // the library's default would log whole updates
		tgbot.WithNotAsyncHandlers(),        // order and bounds come from the dispatcher
		tgbot.WithSkipGetMe(),               // New calls getMe itself, once
		tgbot.WithErrorsHandler(func(err error) { a.log.Warn("telegram: client error", "err", libError(err)) }),
		// getUpdates acknowledges every update before its offset: it waits
		// until those are in the journal, so a crash loses none.
		tgbot.WithHTTPClient(time.Minute, &gatedClient{client: &http.Client{Timeout: time.Minute}, gate: a.gate}),
	}
	if cfg.ServerURL != "" {
		opts = append(opts, tgbot.WithServerURL(cfg.ServerURL))
	}
	api, err := tgbot.New(cfg.Token, opts...)
	if err != nil {
		return nil, fmt.Errorf("connect to Telegram: %w", err)
	}
	me, err := api.GetMe(ctx)
	if err != nil {
		return nil, fmt.Errorf("connect to Telegram: %w", err)
	}
	a.api, a.botName, a.botID = api, me.Username, me.ID
	return a, nil
}

// Run takes updates by long polling until ctx ends, then finishes the
// updates in flight and sends their replies (for at most grace) and
// returns. Updates received before a crash, and replies not yet sent, are
// taken up first.
func (a *Adapter) Run(ctx context.Context, grace time.Duration) error {
	// Polling while a webhook is set gets 409 Conflict.
	if _, err := a.api.DeleteWebhook(ctx, &tgbot.DeleteWebhookParams{}); err != nil {
		return fmt.Errorf("delete webhook before polling: %w", err)
	}
	stopOutbox := a.start(ctx)
	a.api.Start(ctx)
	return a.drain(grace, stopOutbox)
}

// start replays the journal and starts the outbox; the function it returns
// stops the outbox.
func (a *Adapter) start(ctx context.Context) (stopOutbox func()) {
	octx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	done, broadcasting := make(chan struct{}), make(chan struct{})
	go func() { a.outbox.run(octx); close(done) }()
	// Broadcasts stop taking new recipients when ctx ends; the sends in
	// flight finish and are marked.
	go func() { a.broadcasts.run(ctx); close(broadcasting) }()
	a.replay(ctx)
	return func() { cancel(); <-done; <-broadcasting }
}

// replay queues the updates received but never processed (the process
// stopped before their effects were stored).
func (a *Adapter) replay(ctx context.Context) {
	pending, err := a.store.Unprocessed(ctx)
	if err != nil {
		a.stateError("journal", err)
		return
	}
	for _, r := range pending {
		var u models.Update
		if err := json.Unmarshal(r.Raw, &u); err != nil {
			a.log.Error("telegram: unreadable update in the journal skipped", "update", r.ID, "err", err)
			a.store.Complete(ctx, r.ID, nil)
			continue
		}
		a.metrics.Replayed.Inc()
		a.replayed.Store(u.ID, true)
		a.queue(&u)
	}
	if len(pending) > 0 {
		a.log.Info("telegram: answering updates received before the restart", "updates", len(pending))
	}
}

// drain finishes the updates in flight and sends the replies queued, all
// within grace; replies still unsent stay queued for the next start.
func (a *Adapter) drain(grace time.Duration, stopOutbox func()) error {
	ctx, cancel := context.WithTimeout(context.Background(), grace)
	defer cancel()
	defer stopOutbox()
	a.gather.releaseAll()
	if err := a.dispatch.wait(ctx); err != nil {
		a.stopJobs() // their journal entries stay unprocessed: answered at the next start
		return fmt.Errorf("updates still in flight after %v: %w", grace, err)
	}
	a.outbox.notify()
	for !a.outbox.idle(ctx) {
		if !sleep(ctx, 20*time.Millisecond) { // the outbox has no event for "empty"
			break
		}
	}
	return nil
}

// Close ends any update job still running; Run and RunWebhook have
// already stopped every other goroutine they started when they return.
func (a *Adapter) Close() error {
	a.stopJobs()
	return nil
}

// stateError logs and counts a failure to read or write the state store:
// Loa keeps answering from the knowledge base, and /healthz says so.
func (a *Adapter) stateError(op string, err error) {
	a.metrics.StateErrors.WithLabelValues(op).Inc()
	a.health.fail(err)
	if a.stateLog.Allow() {
		a.log.Error("telegram: state store failing; answering without it", "op", op, "err", err)
	}
}

// Conversations returns the conversations the adapter runs, for the
// work that reaches users unprompted (desk reminders).
func (a *Adapter) Conversations() *bot.Conversations { return a.talk }

// Health reports whether the state store worked lately; nil when it did.
func (a *Adapter) Health() error { return a.health.err() }

// libError is what may be logged of an error from the client library: it
// can quote whole updates (bodies it failed to decode), which hold message
// text, so anything from the first brace on is cut and numbers redacted.
func libError(err error) string {
	s := err.Error()
	if i := strings.IndexAny(s, "{["); i >= 0 {
		s = s[:i] + "…"
	}
	if r := []rune(s); len(r) > 200 {
		s = string(r[:200]) + "…"
	}
	return privacy.Redact(s)
}

// receive takes every update as the library delivers it: it records the
// update in the journal (so it survives a crash) before returning, which
// is before polling acknowledges it or the webhook answers 200, then queues
// its work, per user: a user's updates run one after another (their
// session is loaded and saved around each), different users' side by side.
func (a *Adapter) receive(ctx context.Context, _ *tgbot.Bot, u *models.Update) {
	defer a.gate.received(u.ID)
	raw, err := json.Marshal(u)
	if err != nil {
		a.log.Error("telegram: update cannot be encoded", "err", err)
		return
	}
	fresh, err := a.store.Receive(context.WithoutCancel(ctx), u.ID, raw, time.Now())
	switch {
	case err != nil:
		a.stateError("journal", err) // answered all the same, only not across a crash
	case !fresh:
		a.metrics.Updates.WithLabelValues("duplicate").Inc()
		return
	}
	a.queue(u)
}

// queue runs an update's work, after gathering a question sent in pieces.
func (a *Adapter) queue(u *models.Update) { a.gather.add(u) }

// submit runs an update's work on the dispatcher; also are the updates
// whose messages were gathered into u, done with it.
func (a *Adapter) submit(u *models.Update, also []int64) {
	a.dispatch.submit(updateUser(u), func() {
		// Shutdown cancels the job once the grace period is over.
		ctx, cancel := context.WithTimeout(a.jobs, a.timeout)
		defer cancel()
		start := time.Now()
		kind, out, err := a.run(ctx, u)
		a.replayed.Delete(u.ID)
		if a.jobs.Err() != nil {
			return // cut short by shutdown: left unprocessed, answered at the next start
		}
		if err := a.store.Complete(context.WithoutCancel(ctx), u.ID, out, also...); err != nil {
			a.stateError("outbox", err)
			a.outbox.keep(out)
		} else {
			a.outbox.notify()
		}
		a.metrics.Updates.WithLabelValues(kind).Inc()
		a.metrics.Latency.Observe(time.Since(start).Seconds())
		attrs := []any{"kind", kind, "took", time.Since(start).Round(time.Millisecond)}
		if err != nil {
			a.log.Error("telegram: update failed", append(attrs, "err", err)...)
			return
		}
		a.log.Debug("telegram: update handled", attrs...)
	})
}

// run processes one update and returns the replies it queued. One bad
// update must not take the bot down for everyone: a panic is an error.
func (a *Adapter) run(ctx context.Context, u *models.Update) (kind string, out []bot.Outgoing, err error) {
	c := &conversation{a: a}
	defer func() {
		if r := recover(); r != nil {
			kind, err = "panic", fmt.Errorf("update handler panicked: %v", r)
		}
		out = c.out
		if err != nil && len(out) == 0 && c.chatID != 0 {
			// Never silence: the citizen hears that something went wrong.
			a.metrics.Apologies.Inc()
			out = encode(c.chatID, c.group, []message{{HTML: esc(a.catalog.Text(string(c.knownLang()), "error.internal", nil))}})
		}
	}()
	kind, err = a.process(ctx, c, u)
	return kind, c.out, err
}

func updateUser(u *models.Update) int64 {
	switch {
	case u.Message != nil && u.Message.From != nil:
		return u.Message.From.ID
	case u.Message != nil:
		return u.Message.Chat.ID
	case u.CallbackQuery != nil:
		return u.CallbackQuery.From.ID
	case u.InlineQuery != nil && u.InlineQuery.From != nil:
		return u.InlineQuery.From.ID
	}
	return 0
}

// process handles one update and says what kind it was (never its text);
// the replies it makes collect in c.
func (a *Adapter) process(ctx context.Context, c *conversation, u *models.Update) (string, error) {
	switch {
	case u.Message != nil:
		return "message", a.message(ctx, c, u.Message)
	case u.CallbackQuery != nil:
		return "callback", a.callback(ctx, c, u.ID, u.CallbackQuery)
	case u.InlineQuery != nil && u.InlineQuery.From != nil:
		return "inline", a.inline(ctx, u.InlineQuery)
	}
	return "other", nil
}

// conversation is one user's turn in one chat: where replies go, and the
// replies it queues.
type conversation struct {
	a       *Adapter
	from    bot.Address
	userID  int64
	chatID  int64
	group   bool
	langOf  knowledge.Lang // the user's language, once known
	out     []bot.Outgoing
	preview int // the message a draft was streamed into, by editing it
}

// open says whose turn it is and where.
func (c *conversation) open(userID, chatID int64, group bool) {
	c.userID, c.chatID, c.group = userID, chatID, group
	c.from = address(userID, chatID, group)
}

// address is a Telegram user in a chat, as the core names them.
func address(userID, chatID int64, group bool) bot.Address {
	return bot.Address{Channel: channel, User: strconv.FormatInt(userID, 10), Chat: strconv.FormatInt(chatID, 10), Group: group}
}

// channel is how the core names Telegram.
const channel = "telegram"

func (a *Adapter) message(ctx context.Context, c *conversation, m *models.Message) error {
	if m.From == nil {
		return nil // channel posts
	}
	group := m.Chat.Type == models.ChatTypeGroup || m.Chat.Type == models.ChatTypeSupergroup
	text, cmd, addressed := a.addressed(m, group)
	if !addressed {
		return nil
	}
	c.open(m.From.ID, m.Chat.ID, group)
	ev := bot.Event{From: c.from, Name: displayName(m.From), At: time.Now()}
	if cmd == "" {
		ev.Kind, ev.Input, ev.Quoted = bot.EventMessage, bot.Input{Kind: inputKind(m), Text: text, Preview: c.previewer(ctx, m.ID), Audio: a.audioOf(m)}, a.quoted(m)
	} else {
		ev.Kind, ev.Command, ev.Arg = bot.EventCommand, cmd, text
	}
	resp, err := a.talk.Handle(ctx, ev)
	c.langOf = resp.Lang
	if err != nil {
		return err
	}
	if resp.Flooded {
		a.metrics.FloodLimited.Inc()
	}
	if resp.Outcome != "" {
		a.metrics.Answers.WithLabelValues(resp.Outcome).Inc()
	}
	if ev.Input.Audio != nil {
		a.log.Info("telegram: voice note", "outcome", resp.Outcome, "seconds", ev.Input.Audio.Seconds) // never the audio or the transcript
	}
	return c.respond(ctx, resp)
}

// knownLang is the user's language when the turn has learned it, without
// asking the store again: for the apology, when the store may be what failed.
func (c *conversation) knownLang() knowledge.Lang {
	if c.langOf == "" {
		return knowledge.Vietnamese
	}
	return c.langOf
}

// lang is the user's language, asked of the core the first time.
func (c *conversation) lang() knowledge.Lang {
	if c.langOf == "" {
		if c.from.User == "" {
			return knowledge.Vietnamese
		}
		c.langOf = c.a.talk.Lang(context.Background(), c.from)
	}
	return c.langOf
}

func inputKind(m *models.Message) bot.InputKind {
	switch {
	case m.Voice != nil || m.Audio != nil || m.VideoNote != nil:
		return bot.InputVoice
	case m.Text == "" && m.Caption == "":
		return bot.InputMedia
	}
	return bot.InputText
}

// addressed returns the text meant for Loa and the command in it, and
// whether Loa should answer at all. In groups Loa answers only commands,
// mentions and replies to itself; the library's command matcher misses
// "/ask@LoaBot", and entity offsets count UTF-16 units, so both are done here.
func (a *Adapter) addressed(m *models.Message, group bool) (text, cmd string, ok bool) {
	text = m.Text
	if text == "" {
		text = m.Caption
	}
	units := utf16.Encode([]rune(text))
	slice := func(e models.MessageEntity) string {
		if e.Offset < 0 || e.Length < 0 || e.Offset+e.Length > len(units) {
			return ""
		}
		return string(utf16.Decode(units[e.Offset : e.Offset+e.Length]))
	}
	mentioned := false
	for _, e := range m.Entities {
		if e.Offset < 0 || e.Length < 0 || e.Offset+e.Length > len(units) {
			continue // malformed: Telegram never sends it, a forged update might
		}
		switch {
		case e.Type == models.MessageEntityTypeBotCommand && e.Offset == 0:
			name, target, _ := strings.Cut(strings.TrimPrefix(slice(e), "/"), "@")
			if target != "" && !strings.EqualFold(target, a.botName) {
				return "", "", false // a command for another bot
			}
			cmd = strings.ToLower(name)
			if group && target == "" && !commands[cmd] {
				return "", "", false // another bot's command, typed without @
			}
			text = strings.TrimSpace(string(utf16.Decode(units[min(e.Length, len(units)):])))
		case e.Type == models.MessageEntityTypeMention && strings.EqualFold(slice(e), "@"+a.botName):
			mentioned = true
			text = strings.TrimSpace(strings.Replace(text, slice(e), "", 1))
		}
	}
	if cmd == "ask" {
		cmd = ""
	}
	if !group {
		return text, cmd, true
	}
	repliedToBot := m.ReplyToMessage != nil && m.ReplyToMessage.From != nil && m.ReplyToMessage.From.ID == a.botID
	return text, cmd, cmd != "" || mentioned || repliedToBot || strings.HasPrefix(m.Text, "/ask")
}

// commands are the commands Loa answers.
var commands = map[string]bool{"start": true, "lang": true, "menu": true, "help": true, "ask": true, "review": true, "human": true, "desk": true, "newperson": true, "done": true, "reload": true, "gaps": true, "stats": true, "subscribe": true, "unsubscribe": true, "broadcast": true}

// reply sends replies, folding notices and short texts into the message
// that follows them, so a user gets few messages.
func (c *conversation) reply(ctx context.Context, replies []bot.Reply) error {
	r := c.a.render
	r.short = c.group
	var prefix []string
	var errs []error
	for i, rep := range replies {
		m := r.render(rep)
		last := i == len(replies)-1
		// A notice belongs to what follows it; emergency lines, to each other.
		if !last && (rep.Kind == bot.KindNotice || rep.Kind == bot.KindEmergency && replies[i+1].Kind == bot.KindEmergency) {
			prefix = append(prefix, m.HTML)
			continue
		}
		if len(prefix) > 0 {
			m.HTML = strings.Join(append(prefix, m.HTML), "\n\n")
			prefix = nil
		}
		if rep.Kind == bot.KindDraft && c.preview != 0 {
			m.Edit = c.preview // the final text replaces the message streamed into
		}
		if err := c.sendMessage(ctx, m); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

// respond queues a response: its replies to this chat, and what it sends
// elsewhere (a volunteer's answer to the citizen) with them, in the same
// update's outbox entries, so a crash neither loses nor repeats them.
func (c *conversation) respond(ctx context.Context, resp bot.Response) error {
	err := c.reply(ctx, resp.Replies)
	for _, d := range resp.Also {
		chatID, perr := strconv.ParseInt(d.To.Chat, 10, 64)
		if d.To.Channel != channel || perr != nil {
			c.a.log.Error("telegram: a reply to an address of another channel dropped", "channel", d.To.Channel)
			continue
		}
		other := &conversation{a: c.a, chatID: chatID, group: d.To.Group, from: d.To}
		err = errors.Join(err, other.reply(ctx, d.Replies))
		c.out = append(c.out, other.out...)
	}
	return err
}

// Send queues replies to a Telegram chat that no update asked for (a
// volunteer's answer, a reminder): stored in the outbox, then sent with
// the limits like any reply. It implements bot.Sender.
func (a *Adapter) Send(ctx context.Context, to bot.Address, replies []bot.Reply) error {
	if to.Channel != channel {
		return fmt.Errorf("not a Telegram address: %s", to.Channel)
	}
	chatID, err := strconv.ParseInt(to.Chat, 10, 64)
	if err != nil {
		return fmt.Errorf("not a Telegram chat: %q", to.Chat)
	}
	c := &conversation{a: a, chatID: chatID, group: to.Group, from: to}
	if err := c.reply(ctx, replies); err != nil {
		return err
	}
	if err := a.store.Queue(ctx, c.out); err != nil {
		a.stateError("outbox", err)
		a.outbox.keep(c.out) // sent from memory; lost only if the process stops first
	}
	a.outbox.notify()
	return nil
}

func (c *conversation) sendText(ctx context.Context, id string, data map[string]any) error {
	return c.sendMessage(ctx, message{HTML: esc(c.a.catalog.Text(string(c.lang()), id, data))})
}

// sendMessage queues m in the outbox, which sends it after the update's
// effects are stored.
func (c *conversation) sendMessage(_ context.Context, m message) error {
	c.out = append(c.out, encode(c.chatID, c.group, []message{m})...)
	return nil
}

// send sends m at once, split as Telegram requires, and returns the id of
// the last message sent (the one with the keyboard): for the review desk,
// which must know which message showed an item.
func (c *conversation) send(ctx context.Context, m message) (int, error) {
	var last int
	parts := split(m.HTML, maxMessage)
	for i, part := range parts {
		params := &tgbot.SendMessageParams{
			ChatID:             c.chatID,
			Text:               part,
			ParseMode:          models.ParseModeHTML,
			LinkPreviewOptions: &models.LinkPreviewOptions{IsDisabled: tgbot.True()},
		}
		if i == len(parts)-1 && len(m.Keyboard) > 0 {
			params.ReplyMarkup = &models.InlineKeyboardMarkup{InlineKeyboard: m.Keyboard}
		}
		err := c.a.send.do(ctx, c.chatID, c.group, func(ctx context.Context) error {
			sent, err := c.a.api.SendMessage(ctx, params)
			if err == nil && sent != nil {
				last = sent.ID
			}
			return err
		})
		if err != nil {
			// Never silent: logged and counted.
			c.a.metrics.Dropped.Inc()
			return last, fmt.Errorf("send reply: %w", err)
		}
	}
	return last, nil
}

// callback handles a button press: the review desk's here, every other
// through the core.
func (a *Adapter) callback(ctx context.Context, c *conversation, updateID int64, q *models.CallbackQuery) error {
	chatID := q.From.ID
	group := false
	switch m := q.Message; {
	case m.Message != nil:
		chatID, group = m.Message.Chat.ID, m.Message.Chat.Type != models.ChatTypePrivate
	case m.InaccessibleMessage != nil && m.InaccessibleMessage.Chat.ID != 0: // older than 48 hours: still its chat
		chatID, group = m.InaccessibleMessage.Chat.ID, m.InaccessibleMessage.Chat.Type != models.ChatTypePrivate
	}
	c.open(q.From.ID, chatID, group)
	_, replay := a.replayed.LoadAndDelete(updateID)
	resp, err := a.talk.Handle(ctx, bot.Event{From: c.from, Kind: bot.EventButton, Button: q.Data, Name: displayName(&q.From), At: time.Now(), Replay: replay})
	if err != nil {
		return err
	}
	c.langOf = resp.Lang
	answer := ""
	if resp.Ack != "" {
		answer = a.catalog.Text(string(c.lang()), resp.Ack, nil)
	}
	// Every press is answered, or the user's button keeps spinning.
	if err := a.send.do(ctx, 0, false, func(ctx context.Context) error {
		_, err := a.api.AnswerCallbackQuery(ctx, &tgbot.AnswerCallbackQueryParams{CallbackQueryID: q.ID, Text: answer})
		return err
	}); err != nil {
		return fmt.Errorf("answer button: %w", err)
	}
	return c.respond(ctx, resp)
}
