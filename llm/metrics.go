package llm

import "github.com/prometheus/client_golang/prometheus"

// Metrics are the drafter's Prometheus metrics.
type Metrics struct {
	Requests   *prometheus.CounterVec // by outcome: ok, timeout, error, breaker_open, cached
	FirstToken prometheus.Histogram
	Tokens     *prometheus.CounterVec // by direction: prompt, completion
	GuardCut   prometheus.Counter
}

// NewMetrics creates the metrics and registers them on reg.
func NewMetrics(reg prometheus.Registerer) *Metrics {
	m := &Metrics{
		Requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "loa_llm_requests_total", Help: "Drafts asked of the model server, by outcome (ok, timeout, error, breaker_open, cached).",
		}, []string{"outcome"}),
		FirstToken: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name: "loa_llm_first_token_seconds", Help: "Time from asking the model server to its first token.",
			Buckets: []float64{.1, .25, .5, 1, 2, 4, 8, 16},
		}),
		Tokens: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "loa_llm_tokens_total", Help: "Tokens sent and received, as the server reports them, else estimated at four characters a token.",
		}, []string{"direction"}),
		GuardCut: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "loa_llm_guard_cut_total", Help: "Drafts the fact guard cut because a sentence held a fact the content lacks.",
		}),
	}
	reg.MustRegister(m.Requests, m.FirstToken, m.Tokens, m.GuardCut)
	return m
}
