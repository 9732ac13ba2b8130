package telegram

import (
	"context"
	"crypto/subtle"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"sync"
	"time"

	tgbot "github.com/go-telegram/bot"
	"github.com/go-telegram/bot/models"
)

// secretHeader carries the webhook secret on every call from Telegram.
const secretHeader = "X-Telegram-Bot-Api-Secret-Token"

// RunWebhook registers publicURL as the webhook with secret, serves it on
// ln until ctx ends, then finishes the updates in flight (for at most
// grace). Calls without the right secret are refused and counted.
func (a *Adapter) RunWebhook(ctx context.Context, ln net.Listener, publicURL, secret string, grace time.Duration) error {
	if secret == "" {
		return errors.New("webhook: a secret is required")
	}
	if _, err := a.api.SetWebhook(ctx, &tgbot.SetWebhookParams{URL: publicURL, SecretToken: secret}); err != nil {
		return fmt.Errorf("register webhook: %w", err)
	}
	// Telegram sends small bodies promptly; anyone slower, larger or idler is
	// not Telegram, and must not hold a connection.
	srv := &http.Server{
		Handler:           a.webhookHandler(secret),
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       15 * time.Second,
		WriteTimeout:      30 * time.Second,
		IdleTimeout:       60 * time.Second,
		MaxHeaderBytes:    16 << 10,
		ErrorLog:          log.New(io.Discard, "", 0), // TLS and header noise from scanners
	}
	stopOutbox := a.start(ctx)
	served := make(chan error, 1)
	go func() { served <- srv.Serve(limitListener(ln, maxWebhookConns)) }()
	select {
	case <-ctx.Done():
	case err := <-served: // the listener failed: nothing would ever arrive
		stopOutbox()
		return fmt.Errorf("webhook server: %w", err)
	}
	// Stop taking calls, letting those in flight queue their update; then
	// finish the queued work. Both within the one grace period.
	deadline := time.Now().Add(grace)
	shutdown, cancel := context.WithDeadline(context.Background(), deadline)
	defer cancel()
	if err := srv.Shutdown(shutdown); err != nil {
		return fmt.Errorf("stop webhook server: %w", err)
	}
	if err := <-served; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("webhook server: %w", err)
	}
	return a.drain(time.Until(deadline), stopOutbox)
}

// webhookHandler checks the secret (the library would only log a wrong one
// and answer 200), decodes the update and records it in the journal before
// answering, so an update Telegram saw accepted is never lost, at shutdown
// or in a crash, and a malformed body is never logged (it holds message
// text).
func (a *Adapter) webhookHandler(secret string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost {
			http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
			return
		}
		// The secret is checked on the headers alone, before any of the body
		// is read, and the connection is closed rather than kept for a body
		// that may never come.
		if subtle.ConstantTimeCompare([]byte(r.Header.Get(secretHeader)), []byte(secret)) != 1 {
			a.metrics.WebhookRejected.Inc()
			if a.refusals.Allow() {
				a.log.Warn("telegram: webhook calls with a wrong secret refused (logged at most every 10 s)", "remote", r.RemoteAddr)
			}
			w.Header().Set("Connection", "close")
			http.Error(w, "forbidden", http.StatusForbidden)
			return
		}
		if r.ContentLength > maxWebhookBody {
			w.Header().Set("Connection", "close")
			http.Error(w, "too large", http.StatusRequestEntityTooLarge)
			return
		}
		var u models.Update
		if err := json.NewDecoder(http.MaxBytesReader(w, r.Body, maxWebhookBody)).Decode(&u); err != nil {
			a.log.Warn("telegram: webhook body is not an update", "bytes", r.ContentLength)
			http.Error(w, "bad request", http.StatusBadRequest)
			return
		}
		// 200 only once the update is in the journal.
		a.receive(r.Context(), a.api, &u)
	})
}

// maxWebhookBody bounds one update; Telegram's are a few kilobytes.
const maxWebhookBody = 1 << 20

// maxWebhookConns bounds the webhook's open connections (Telegram opens at
// most 100, its max_connections), so a flood of idle ones cannot exhaust
// the process's files and take /healthz down with it.
const maxWebhookConns = 256

// limitListener accepts at most n connections at once; the rest wait in
// the kernel's backlog.
func limitListener(ln net.Listener, n int) net.Listener {
	return &limitedListener{Listener: ln, slots: make(chan struct{}, n)}
}

type limitedListener struct {
	net.Listener
	slots chan struct{}
}

func (l *limitedListener) Accept() (net.Conn, error) {
	l.slots <- struct{}{}
	c, err := l.Listener.Accept()
	if err != nil {
		<-l.slots
		return nil, err
	}
	return &limitedConn{Conn: c, release: func() { <-l.slots }}, nil
}

type limitedConn struct {
	net.Conn
	once    sync.Once
	release func()
}

func (c *limitedConn) Close() error {
	err := c.Conn.Close()
	c.once.Do(c.release)
	return err
}
