package main

import (
	"fmt"
	"time"

	"github.com/nnprotect/nnjs/internal/exporter"
)

// defaultPrometheusHold is how long --prometheus keeps serving after the run by default: one
// scrape interval of Prometheus's default configuration, so the final values are scraped.
const defaultPrometheusHold = 15 * time.Second

// listenPrometheus starts serving the run's metrics on --prometheus ADDR (nothing without it).
func (r *execution) listenPrometheus() error {
	if r.flags.prometheus == "" {
		return nil
	}
	r.exporter = exporter.New(r.collector.Snapshot, exporter.Config{})
	srv, err := r.exporter.Listen(r.flags.prometheus)
	if err != nil {
		return err
	}
	r.promSrv = srv
	return nil
}

// holdPrometheus keeps /metrics serving the final values for --prometheus-hold, or until
// Ctrl-C, and warns when label sets went to overflow series.
func (r *execution) holdPrometheus(a *app) {
	if r.promSrv == nil {
		return
	}
	if n := r.exporter.Overflowed(); n > 0 {
		fmt.Fprintf(a.stderr, "WARN: --prometheus: %d label sets beyond the limit of %d were added to their metric's %s=\"true\" series\n",
			n, exporter.DefaultMaxSeries, exporter.OverflowLabel)
	}
	if r.flags.prometheusHold <= 0 {
		return
	}
	fmt.Fprintf(a.stderr, "nnjs run: --prometheus serves the final values on http://%s/metrics for %s (Ctrl-C to stop)\n",
		r.promSrv.Addr(), r.flags.prometheusHold)
	ctx, leave := a.interrupts.enter(a.ctx, "stopping the Prometheus endpoint")
	defer leave()
	select {
	case <-time.After(r.flags.prometheusHold):
	case <-ctx.Done():
	}
}

// closePrometheus stops the endpoint.
func (r *execution) closePrometheus() {
	if r.promSrv != nil {
		_ = r.promSrv.Close()
	}
}
