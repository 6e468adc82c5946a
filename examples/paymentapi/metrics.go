package paymentapi

import (
	"net/http"
	"strconv"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// Stats is a point-in-time copy of the service's own counters.
type Stats struct {
	// Deadlocks counts payment attempts aborted with 40P01.
	Deadlocks int64
	// SerializationFailures counts payment attempts aborted with 40001.
	SerializationFailures int64
	// Retries counts aborted attempts that were retried.
	Retries int64
	// Exhausted counts payments that ended in 503 after the last attempt.
	Exhausted int64
}

// metrics holds the Prometheus collectors on a private registry plus atomic mirrors of the
// counters that tests and Stats read. Safe for concurrent use.
type metrics struct {
	reg       *prometheus.Registry
	requests  *prometheus.CounterVec
	latency   *prometheus.HistogramVec
	aborts    *prometheus.CounterVec
	retries   prometheus.Counter
	exhausted prometheus.Counter
	replays   prometheus.Counter

	deadlocks, serialization, retried, busy atomic.Int64
}

func newMetrics() *metrics {
	m := &metrics{
		reg: prometheus.NewRegistry(),
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "paymentapi_http_requests_total", Help: "HTTP requests by route and outcome.",
		}, []string{"route", "outcome", "code"}),
		latency: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "paymentapi_http_request_duration_seconds", Help: "HTTP request latency by route and outcome.",
			Buckets: []float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5},
		}, []string{"route", "outcome"}),
		aborts: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "paymentapi_tx_aborts_total", Help: "Payment transaction attempts aborted, by reason (deadlock, serialization, idempotency_race).",
		}, []string{"reason"}),
		retries: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "paymentapi_payment_retries_total", Help: "Aborted payment attempts that were retried.",
		}),
		exhausted: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "paymentapi_payment_retries_exhausted_total", Help: "Payments that failed with 503 after the last attempt.",
		}),
		replays: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "paymentapi_idempotent_replays_total", Help: "Payments answered from a stored Idempotency-Key result.",
		}),
	}
	m.reg.MustRegister(m.requests, m.latency, m.aborts, m.retries, m.exhausted, m.replays,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return m
}

// onAbort records one aborted payment attempt.
func (m *metrics) onAbort(reason string, retry bool) {
	m.aborts.WithLabelValues(reason).Inc()
	switch reason {
	case "deadlock":
		m.deadlocks.Add(1)
	case "serialization":
		m.serialization.Add(1)
	}
	if retry {
		m.retries.Inc()
		m.retried.Add(1)
	}
}

func (m *metrics) onExhausted() {
	m.exhausted.Inc()
	m.busy.Add(1)
}

func (m *metrics) stats() Stats {
	return Stats{
		Deadlocks: m.deadlocks.Load(), SerializationFailures: m.serialization.Load(),
		Retries: m.retried.Load(), Exhausted: m.busy.Load(),
	}
}

func (m *metrics) handler() http.Handler {
	return promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{Registry: m.reg})
}

// instrument wraps h so each request is counted and timed under route with its outcome
// ("ok" for 2xx/3xx, "refused" for 4xx, "error" for 5xx).
func (m *metrics) instrument(route string, h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		rec := &statusRecorder{ResponseWriter: w, status: http.StatusOK}
		h(rec, r)
		outcome := outcomeOf(rec.status)
		m.requests.WithLabelValues(route, outcome, strconv.Itoa(rec.status)).Inc()
		m.latency.WithLabelValues(route, outcome).Observe(time.Since(start).Seconds())
	}
}

func outcomeOf(status int) string {
	switch {
	case status >= 500:
		return "error"
	case status >= 400:
		return "refused"
	}
	return "ok"
}

// statusRecorder remembers the status code written through it.
type statusRecorder struct {
	http.ResponseWriter
	status int
}

func (s *statusRecorder) WriteHeader(code int) {
	s.status = code
	s.ResponseWriter.WriteHeader(code)
}
