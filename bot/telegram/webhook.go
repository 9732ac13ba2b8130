package telegram

import (
	"context"
	"crypto/subtle"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
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
	srv := &http.Server{Handler: a.webhookHandler(secret), ReadHeaderTimeout: 10 * time.Second}
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	select {
	case <-ctx.Done():
	case err := <-served: // the listener failed: nothing would ever arrive
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
	return a.drain(time.Until(deadline))
}

// webhookHandler checks the secret (the library would only log a wrong one
// and answer 200), decodes the update and queues it before answering, so an
// update Telegram saw accepted is never lost at shutdown, and a malformed
// body is never logged (it holds message text).
func (a *Adapter) webhookHandler(secret string) http.Handler {
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
		var u models.Update
		if err := json.NewDecoder(http.MaxBytesReader(w, r.Body, 1<<20)).Decode(&u); err != nil {
			a.log.Warn("telegram: webhook body is not an update", "bytes", r.ContentLength)
			http.Error(w, "bad request", http.StatusBadRequest)
			return
		}
		a.handle(r.Context(), a.api, &u)
	})
}
