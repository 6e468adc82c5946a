package main

import (
	"encoding/json"
	"fmt"
	"os"
	"strings"

	"github.com/nnprotect/nnjs/engine/metrics"
	"github.com/nnprotect/nnjs/integrity"
)

// reconcileNames maps the client's payment outcomes to the Counters a scenario counts them
// in (options.integrity.reconcile, `nnjs integrity --reconcile`).
type reconcileNames struct {
	OK      string `json:"paymentsOk"`
	Refused string `json:"paymentsRefused"`
	Failed  string `json:"paymentsFailed"`
	Started string `json:"paymentsStarted"`
}

// Default reconciliation counters: a scenario that counts its payments in Counters with
// these names is reconciled against the database without any configuration.
var defaultReconcileNames = reconcileNames{OK: "payments_ok", Refused: "payments_refused",
	Failed: "payments_failed", Started: "payments_started"}

// withDefaults fills the names left empty.
func (n reconcileNames) withDefaults() reconcileNames {
	d := defaultReconcileNames
	for _, f := range []struct{ name, def *string }{
		{&n.OK, &d.OK}, {&n.Refused, &d.Refused}, {&n.Failed, &d.Failed}, {&n.Started, &d.Started},
	} {
		if *f.name == "" {
			*f.name = *f.def
		}
	}
	return n
}

// parseReconcileNames parses "ok=NAME,refused=NAME,failed=NAME,started=NAME" (any subset).
func parseReconcileNames(s string) (reconcileNames, error) {
	var n reconcileNames
	fields := map[string]*string{"ok": &n.OK, "refused": &n.Refused, "failed": &n.Failed, "started": &n.Started}
	for _, kv := range strings.Split(s, ",") {
		k, v, _ := strings.Cut(strings.TrimSpace(kv), "=")
		p, known := fields[k]
		if !known || v == "" {
			return n, fmt.Errorf("--reconcile %q: want ok=COUNTER,refused=COUNTER,failed=COUNTER,started=COUNTER (any of them)", kv)
		}
		*p = v
	}
	return n.withDefaults(), nil
}

// counterFunc returns a counter's total and whether the script counts it.
type counterFunc func(name string) (int64, bool)

// reconcileCounts builds what integrity reconciles from the client's counters; nil when the
// script does not count successful payments. Outcomes the client never saw are the payments
// it started minus those it saw end. A script that does not count started payments has no
// unknown outcomes only when every iteration ran to its end: otherwise R03/R04 are not
// judged, since an iteration cut short (interrupted at the end of the run, or an exception)
// may have left a payment whose outcome nobody counted.
func reconcileCounts(n reconcileNames, count counterFunc) *integrity.Reconcile {
	ok, has := count(n.OK)
	if !has {
		return nil
	}
	rec := &integrity.Reconcile{PaymentsOK: ok}
	seen := ok
	if v, has := count(n.Refused); has {
		rec.PaymentsRefused, seen = &v, seen+v
	}
	if v, has := count(n.Failed); has {
		rec.PaymentsFailed, seen = &v, seen+v
	}
	started, has := count(n.Started)
	switch {
	case has && started >= seen:
		rec.PaymentsUnknown = started - seen
	case has:
		rec.NotJudged = fmt.Sprintf("the script counted %d payments in %s but %d outcomes in %s, %s and %s",
			started, n.Started, seen, n.OK, n.Refused, n.Failed)
	default:
		interrupted, _ := count(metrics.IterationsInterrupted)
		errored, _ := count(metrics.IterationErrors)
		if interrupted+errored > 0 {
			rec.NotJudged = fmt.Sprintf("%d iterations were interrupted and %d ended with an exception, and the "+
				"script does not count %s, so the outcome of their payments is unknown", interrupted, errored, n.Started)
		}
	}
	return rec
}

// snapshotCounters reads counters from a run's final snapshot; a counter the script
// declared counts even when it never moved.
func snapshotCounters(snap *metrics.Snapshot, reg *metrics.Registry) counterFunc {
	return func(name string) (int64, bool) {
		m := reg.Get(name)
		if m == nil || m.Type != metrics.Counter {
			return 0, false
		}
		return int64(snap.Aggregate(m, nil).Sum), true
	}
}

// exportCounters reads the counters of a --summary-export file. The export lists only
// metrics with samples, so a missing counter counts 0, and counts (as present) when the
// script counted any payment outcome at all.
func exportCounters(path string, n reconcileNames) (counterFunc, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("--summary: %w", err)
	}
	var doc struct {
		Metrics map[string]struct {
			Count *float64 `json:"count"`
		} `json:"metrics"`
	}
	if err := json.Unmarshal(b, &doc); err != nil || doc.Metrics == nil {
		return nil, fmt.Errorf("--summary %s: not a --summary-export file (%v)", path, err)
	}
	get := func(name string) (int64, bool) {
		m, ok := doc.Metrics[name]
		if !ok || m.Count == nil {
			return 0, false
		}
		return int64(*m.Count), true
	}
	_, okSeen := get(n.OK)
	_, refusedSeen := get(n.Refused)
	_, failedSeen := get(n.Failed)
	counted := okSeen || refusedSeen || failedSeen
	return func(name string) (int64, bool) {
		v, present := get(name)
		if present || name == n.Started {
			return v, present
		}
		return 0, counted
	}, nil
}
