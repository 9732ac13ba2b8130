package telegram

import (
	"github.com/prometheus/client_golang/prometheus"
)

// Metrics are the adapter's Prometheus metrics.
type Metrics struct {
	Updates         *prometheus.CounterVec // by kind
	Answers         *prometheus.CounterVec // by outcome
	Latency         prometheus.Histogram
	APIErrors       *prometheus.CounterVec // by reason
	Dropped         prometheus.Counter
	WebhookRejected prometheus.Counter
	FloodLimited    prometheus.Counter
	Replayed        prometheus.Counter     // updates answered after a restart
	StateErrors     *prometheus.CounterVec // by operation
	Apologies       prometheus.Counter     // internal errors answered with an apology
	Broadcast       *prometheus.CounterVec // broadcast messages, by result
}

// NewMetrics creates the metrics and registers them on reg.
func NewMetrics(reg prometheus.Registerer) *Metrics {
	m := &Metrics{
		Updates: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "loa_updates_total", Help: "Telegram updates received, by kind.",
		}, []string{"kind"}),
		Answers: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "loa_answers_total", Help: "Answers to questions, by outcome (direct, choices, none, other).",
		}, []string{"outcome"}),
		Latency: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name: "loa_update_seconds", Help: "Time to handle an update, from leaving its queue to the last reply sent.",
			Buckets: []float64{.005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10},
		}),
		APIErrors: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "loa_telegram_api_errors_total", Help: "Failed Bot API calls that were retried, by reason (429, error).",
		}, []string{"reason"}),
		Dropped: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "loa_replies_dropped_total", Help: "Replies never delivered: Telegram refused them for good (blocked, chat gone), or they failed for 10 minutes.",
		}),
		WebhookRejected: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "loa_webhook_rejected_total", Help: "Webhook requests refused for a missing or wrong secret.",
		}),
		FloodLimited: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "loa_flood_limited_total", Help: "Messages refused because a user sent too many too fast.",
		}),
		Replayed: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "loa_updates_replayed_total", Help: "Updates received before a restart and answered after it.",
		}),
		StateErrors: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "loa_state_errors_total", Help: "Failed reads and writes of the state database (a full disk, a read-only file), by operation; Loa answers without it.",
		}, []string{"op"}),
		Apologies: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "loa_internal_errors_total", Help: "Updates that failed inside Loa; the citizen got a short apology.",
		}),
		Broadcast: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "loa_broadcast_messages_total", Help: "Broadcast messages, by result (sent, blocked: the user blocked the bot, failed).",
		}, []string{"result"}),
	}
	reg.MustRegister(m.Updates, m.Answers, m.Latency, m.APIErrors, m.Dropped, m.WebhookRejected, m.FloodLimited, m.Replayed, m.StateErrors, m.Apologies, m.Broadcast)
	return m
}
