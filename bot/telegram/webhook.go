package telegram

import (
	"context"
	"crypto/subtle"
	"errors"
	"fmt"
	"net"
	"net/http"
	"time"

	tgbot "github.com/go-telegram/bot"
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
	srv := &http.Server{Handler: a.webhookHandler(secret), ReadHeaderTimeout: 10 * time.Second}
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	a.api.StartWebhook(ctx) // returns when ctx ends
	shutdown, cancel := context.WithTimeout(context.Background(), grace)
	defer cancel()
	if err := srv.Shutdown(shutdown); err != nil {
		return fmt.Errorf("stop webhook server: %w", err)
	}
	if err := <-served; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("webhook server: %w", err)
	}
	return a.drain(grace)
}

// webhookHandler checks the secret before the library sees the request:
// the library only logs a wrong secret and answers 200.
func (a *Adapter) webhookHandler(secret string) http.Handler {
	next := a.api.WebhookHandler()
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost {
			http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
			return
		}
		if subtle.ConstantTimeCompare([]byte(r.Header.Get(secretHeader)), []byte(secret)) != 1 {
			a.metrics.WebhookRejected.Inc()
			a.log.Warn("telegram: webhook call with a wrong secret refused", "remote", r.RemoteAddr)
			http.Error(w, "forbidden", http.StatusForbidden)
			return
		}
		r.Body = http.MaxBytesReader(w, r.Body, 1<<20)
		next(w, r)
	})
}
