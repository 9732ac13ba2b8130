package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"loa/knowledge"
	"loa/watch"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	"golang.org/x/time/rate"

	"loa/bot"
	"loa/bot/telegram"
	"loa/llm"
	"loa/privacy"
	"loa/review"
	"loa/speech"
	"loa/sqlite"
)

// serveConfig is everything `loa serve` reads from its environment.
type serveConfig struct {
	token         string
	apiURL        string
	db            string
	adminAddr     string
	webhookURL    string
	webhookAddr   string
	webhookSecret string
	retention     time.Duration
	sendRate      float64
	grace         time.Duration
	reviewers     review.Reviewers
	desk          bot.Desk
	editorsChat   string
	volunteers    bot.Volunteers
	editors       map[string]bool
	mergeWindow   time.Duration
	broadcastRate float64
	deskRemind    time.Duration
	deskExpire    time.Duration
	logLevel      slog.Level
}

func serveConfigFromEnv() (serveConfig, error) {
	c := serveConfig{
		token:         os.Getenv("TELEGRAM_BOT_TOKEN"),
		apiURL:        os.Getenv("LOA_TELEGRAM_API_URL"),
		db:            envOr("LOA_DB", "loa.db"),
		adminAddr:     envOr("LOA_ADMIN_ADDR", "127.0.0.1:9090"),
		webhookURL:    os.Getenv("LOA_WEBHOOK_URL"),
		webhookAddr:   envOr("LOA_WEBHOOK_ADDR", ":8443"),
		webhookSecret: os.Getenv("LOA_WEBHOOK_SECRET"),
		retention:     90 * 24 * time.Hour,
		sendRate:      30,
		grace:         10 * time.Second,
		logLevel:      slog.LevelInfo,
	}
	if c.token == "" {
		return c, usageError{"TELEGRAM_BOT_TOKEN is not set: get a token from @BotFather (see README), or try Loa without Telegram: go run ./cmd/loa chat"}
	}
	if v := os.Getenv("LOA_RETENTION_DAYS"); v != "" {
		days, err := strconv.Atoi(v)
		if err != nil || days < 1 {
			return c, usageError{fmt.Sprintf("LOA_RETENTION_DAYS=%q: want a whole number of days, 1 or more", v)}
		}
		c.retention = time.Duration(days) * 24 * time.Hour
	}
	list, err := listFromEnv("LOA_REVIEWERS")
	if err != nil {
		return c, err
	}
	desk, err := bot.ParseDesk(os.Getenv("LOA_DESK_CHATS"))
	if err != nil {
		return c, usageError{"LOA_DESK_CHATS: " + err.Error()}
	}
	c.desk = desk
	c.editorsChat = os.Getenv("LOA_EDITORS_CHAT")
	volunteers, err := listFromEnv("LOA_VOLUNTEERS")
	if err != nil {
		return c, err
	}
	if c.volunteers, err = bot.ParseVolunteers(volunteers); err != nil {
		return c, usageError{"LOA_VOLUNTEERS: " + err.Error()}
	}
	editors, err := listFromEnv("LOA_EDITORS")
	if err != nil {
		return c, err
	}
	// The same list as the volunteers' (user ids), without languages.
	people, err := bot.ParseVolunteers(editors)
	if err != nil {
		return c, usageError{"LOA_EDITORS: " + err.Error()}
	}
	c.editors = map[string]bool{}
	for key := range people {
		c.editors[key] = true
	}
	c.mergeWindow = 2 * time.Second
	if v := os.Getenv("LOA_MERGE_WINDOW"); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil || d < 0 || d > 10*time.Second {
			return c, usageError{fmt.Sprintf("LOA_MERGE_WINDOW=%q: want a duration from 0 (off) to 10s, such as 2s", v)}
		}
		c.mergeWindow = d
	}
	c.deskRemind = 2 * time.Hour
	if v := os.Getenv("LOA_DESK_REMIND"); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil || d < time.Minute {
			return c, usageError{fmt.Sprintf("LOA_DESK_REMIND=%q: want a duration of a minute or more, such as 2h", v)}
		}
		c.deskRemind = d
	}
	c.deskExpire = 7 * 24 * time.Hour
	if v := os.Getenv("LOA_DESK_EXPIRE"); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil || d <= c.deskRemind {
			return c, usageError{fmt.Sprintf("LOA_DESK_EXPIRE=%q: want a duration longer than LOA_DESK_REMIND, such as 168h", v)}
		}
		c.deskExpire = d
	}
	reviewers, err := review.ParseReviewers(list)
	if err != nil {
		return c, usageError{"LOA_REVIEWERS: " + err.Error()}
	}
	c.reviewers = reviewers
	if v := os.Getenv("LOA_LOG_LEVEL"); v != "" {
		if err := c.logLevel.UnmarshalText([]byte(v)); err != nil {
			return c, usageError{fmt.Sprintf("LOA_LOG_LEVEL=%q: want debug, info, warn or error", v)}
		}
	}
	if v := os.Getenv("LOA_SEND_RATE"); v != "" {
		r, err := strconv.ParseFloat(v, 64)
		if err != nil || r <= 0 {
			return c, usageError{fmt.Sprintf("LOA_SEND_RATE=%q: want messages per second, above 0", v)}
		}
		c.sendRate = r
	}
	c.broadcastRate = c.sendRate / 2
	if v := os.Getenv("LOA_BROADCAST_RATE"); v != "" {
		r, err := strconv.ParseFloat(v, 64)
		if err != nil || r <= 0 || r > c.sendRate {
			return c, usageError{fmt.Sprintf("LOA_BROADCAST_RATE=%q: want messages per second, above 0 and at most LOA_SEND_RATE (%g)", v, c.sendRate)}
		}
		c.broadcastRate = r
	}
	return c, nil
}

// reloadFrom reloads kb from the folder dir, logging why and how it went;
// nil without a folder (the built-in content never changes).
func reloadFrom(dir string, kb *knowledge.Base, log *slog.Logger, why string) bot.Reloader {
	if dir == "" {
		return nil
	}
	return func(ctx context.Context) (knowledge.Problems, error) {
		problems, err := kb.Reload(ctx, os.DirFS(dir))
		if err != nil {
			log.Error("loa: content reload refused", "why", why, "err", err, "problems", problems.Count(knowledge.Error))
			return problems, err
		}
		log.Info("loa: content reloaded", "why", why, "procedures", len(kb.Content().Procedures))
		return problems, nil
	}
}

// listFromEnv reads a list of people from NAME and the file NAME_FILE.
func listFromEnv(name string) (string, error) {
	list := os.Getenv(name)
	if path := os.Getenv(name + "_FILE"); path != "" {
		data, err := os.ReadFile(path)
		if err != nil {
			return "", usageError{fmt.Sprintf("%s_FILE: %v", name, err)}
		}
		list += "\n" + string(data)
	}
	return list, nil
}

func envOr(name, def string) string {
	if v := os.Getenv(name); v != "" {
		return v
	}
	return def
}

func runServe(ctx context.Context, args []string, stderr io.Writer) error {
	var common commonFlags
	fs := newFlagSet("serve", stderr)
	fs.StringVar(&common.content, "content", envContentDir(), "content folder (default: LOA_CONTENT_DIR, else the built-in content)")
	if rest, err := parseFlags(fs, args); err != nil {
		return err
	} else if len(rest) > 0 {
		return usageError{"serve takes no arguments; it reads its settings from the environment (see README)"}
	}
	cfg, err := serveConfigFromEnv()
	if err != nil {
		return err
	}
	// Every line is scrubbed of the token and of personal numbers, whoever
	// wrote it: an error body may quote the request URL or a message.
	log := slog.New(privacy.NewScrubber(append(secrets(), cfg.token)...).Handler(slog.NewJSONHandler(stderr, &slog.HandlerOptions{Level: cfg.logLevel})))
	reg := prometheus.NewRegistry()
	draft, err := drafter(false, llm.NewMetrics(reg), log)
	if err != nil {
		return err
	}
	var listener bot.Transcriber
	switch sttCfg, ok, err := speech.ListenerConfigFromEnv(); {
	case err != nil:
		return usageError{err.Error()}
	case ok:
		listener = speech.NewListener(sttCfg)
		log.Info("listening to Vietnamese voice notes", "server", sttCfg.BaseURL)
	}
	var speaker bot.Speaker
	if voices := speech.Voices(); len(voices) > 0 {
		speaker = voices
		log.Info("reading cards aloud", "voices", len(voices))
	}
	var coreOpts []bot.Option
	if draft != nil {
		coreOpts = append(coreOpts, bot.WithDrafter(draft))
	}

	kb, err := openBase(ctx, common.content, stderr)
	if err != nil {
		return err
	}
	defer kb.Close()
	cat, err := loadCatalog()
	if err != nil {
		return err
	}
	store, err := sqlite.Open(ctx, cfg.db)
	if err != nil {
		return err
	}
	defer store.Close()

	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	limits := telegram.TelegramLimits()
	limits.Global = rate.Limit(cfg.sendRate)
	adapter, err := telegram.New(ctx, telegram.Config{
		Token: cfg.token, ServerURL: cfg.apiURL, Limits: limits, Logger: log, Metrics: telegram.NewMetrics(reg), MergeWindow: cfg.mergeWindow, BroadcastRate: rate.Limit(cfg.broadcastRate),
		Talk: bot.ConversationConfig{
			Reviewers: cfg.reviewers, Reviews: store, Transcriber: listener, Speaker: speaker, Desk: cfg.desk, Volunteers: cfg.volunteers,
			Editors: cfg.editors, Reload: reloadFrom(common.content, kb, log, "/reload"),
		},
	}, bot.New(kb, coreOpts...), kb, store, cat)
	if err != nil {
		return err
	}
	admin, err := startAdmin(cfg.adminAddr, reg, adapter.Health, log)
	if err != nil {
		return err
	}
	defer admin.Close()
	pruneCtx, stopPrune := context.WithCancel(ctx)
	pruned := make(chan struct{})
	go func() { pruneLoop(pruneCtx, store, cfg.retention, log); close(pruned) }()
	defer func() { stopPrune(); <-pruned }() // before the store closes
	if common.content != "" {
		// Editors' saves are live within seconds; a broken edit is refused
		// and the previous content keeps serving.
		reload := func(why string) {
			problems, err := reloadFrom(common.content, kb, log, why)(pruneCtx)
			if err != nil && cfg.editorsChat != "" {
				to := bot.Address{Channel: "telegram", User: cfg.editorsChat, Chat: cfg.editorsChat, Group: strings.HasPrefix(cfg.editorsChat, "-")}
				_ = adapter.Conversations().Send(pruneCtx, to, []bot.Reply{{Kind: bot.KindText, Lang: knowledge.Vietnamese, Message: "reload.refused", Data: map[string]any{"Problems": bot.ErrorLines(problems, err)}}})
			}
		}
		watched := make(chan struct{})
		go func() {
			if err := watch.Dir(pruneCtx, common.content, 500*time.Millisecond, func() { reload("files changed") }); err != nil {
				log.Error("loa: content not watched", "err", err)
			}
			close(watched)
		}()
		hup := make(chan os.Signal, 1)
		signal.Notify(hup, syscall.SIGHUP)
		go func() {
			for {
				select {
				case <-pruneCtx.Done():
					return
				case <-hup:
					reload("SIGHUP")
				}
			}
		}()
		defer func() { stopPrune(); signal.Stop(hup); <-watched }()
	}
	if len(cfg.desk) > 0 {
		reminded := make(chan struct{})
		go func() {
			remindLoop(pruneCtx, adapter.Conversations(), cfg.deskRemind, cfg.deskExpire, log)
			close(reminded)
		}()
		defer func() { stopPrune(); <-reminded }()
	}
	defer adapter.Close()

	log.Info("loa: serving", "procedures", len(kb.Content().Procedures), "admin", cfg.adminAddr, "webhook", cfg.webhookURL != "", "llm", draft != nil)
	if cfg.webhookURL == "" {
		err = adapter.Run(ctx, cfg.grace)
	} else {
		err = serveWebhook(ctx, adapter, cfg, log)
	}
	if err != nil {
		return err
	}
	log.Info("loa: stopped")
	return nil
}

func serveWebhook(ctx context.Context, adapter *telegram.Adapter, cfg serveConfig, log *slog.Logger) error {
	if cfg.webhookSecret == "" {
		b := make([]byte, 24)
		if _, err := rand.Read(b); err != nil {
			return err
		}
		cfg.webhookSecret = hex.EncodeToString(b)
		log.Info("loa: generated a webhook secret (set LOA_WEBHOOK_SECRET to keep one across restarts)")
	}
	ln, err := net.Listen("tcp", cfg.webhookAddr)
	if err != nil {
		return fmt.Errorf("webhook: listen on %s: %w", cfg.webhookAddr, err)
	}
	return adapter.RunWebhook(ctx, ln, cfg.webhookURL, cfg.webhookSecret, cfg.grace)
}

// startAdmin serves /healthz and /metrics. /healthz answers 503 while the
// state database fails (a full disk, a read-only file): Loa still answers
// from the knowledge base then, but remembers nothing and may lose replies
// in a crash.
func startAdmin(addr string, reg *prometheus.Registry, health func() error, log *slog.Logger) (io.Closer, error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("admin server: listen on %s: %w", addr, err)
	}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) {
		if err := health(); err != nil {
			http.Error(w, "degraded: the state database is failing ("+privacy.Redact(err.Error())+"); answering from the knowledge base without it", http.StatusServiceUnavailable)
			return
		}
		io.WriteString(w, "ok\n")
	})
	mux.Handle("GET /metrics", promhttp.HandlerFor(reg, promhttp.HandlerOpts{}))
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 5 * time.Second}
	go func() {
		if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			log.Error("loa: admin server", "err", err)
		}
	}()
	return srv, nil
}

// pruneLoop deletes logged questions and feedback past retention, daily.
// remindLoop posts again, every minute, the desk items nobody took.
func remindLoop(ctx context.Context, talk *bot.Conversations, after, expire time.Duration, log *slog.Logger) {
	tick := time.NewTicker(time.Minute)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
		if err := talk.RemindDesk(ctx, after); err != nil && ctx.Err() == nil {
			log.Error("loa: desk reminders", "err", err)
		}
		if err := talk.ExpireDesk(ctx, expire); err != nil && ctx.Err() == nil {
			log.Error("loa: desk expiry", "err", err)
		}
	}
}

func pruneLoop(ctx context.Context, store bot.Store, retention time.Duration, log *slog.Logger) {
	for {
		n, err := store.Prune(ctx, time.Now().Add(-retention))
		if err != nil && ctx.Err() == nil {
			log.Error("loa: prune", "err", err)
		} else if n > 0 {
			log.Info("loa: pruned old records", "rows", n)
		}
		select {
		case <-ctx.Done():
			return
		case <-time.After(24 * time.Hour):
		}
	}
}
