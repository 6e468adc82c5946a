package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/nnprotect/nnjs/engine/metrics"
	"github.com/nnprotect/nnjs/engine/options"
	"github.com/nnprotect/nnjs/integrity"
	"github.com/nnprotect/nnjs/internal/dbmon"
	"github.com/nnprotect/nnjs/internal/pg"
	"github.com/nnprotect/nnjs/seed"
)

// dbFlagsRun are the database flags of `nnjs run`; they override options.db and
// options.integrity.
type dbFlagsRun struct {
	monitorURL   string // --db-monitor URL
	integrityURL string // --integrity URL
}

// integrityOptions is options.integrity: integrity checks around the run.
//
//	integrity: { url: 'postgres://...', checks: 'nnprotect' | 'path/to/dir',
//	             first: 80000, count: 200, // default: the range the last nnjs seed recorded
//	             reconcile: { paymentsOk: 'payments_ok', paymentsRefused: 'payments_refused',
//	                          paymentsFailed: 'payments_failed', paymentsStarted: 'payments_started' } }
type integrityOptions struct {
	URL       string         `json:"url"`
	Checks    string         `json:"checks"`
	First     int64          `json:"first"`
	Count     int64          `json:"count"`
	Reconcile reconcileNames `json:"reconcile"`
	// rangeGiven is set when the script or a flag chose first or count; otherwise connect
	// takes the range of the plan the last nnjs seed recorded in the database.
	rangeGiven bool
}

// dbPlan is the database part of a script's configuration: what the run will monitor and
// check. It holds no connection.
type dbPlan struct {
	monitor   *dbmon.Config // nil: no monitor
	integrity *integrityOptions
}

// dbSide is the database part of one run: the live monitor and the integrity checks' pool.
type dbSide struct {
	monitor   *dbmon.Monitor
	integrity *integrityOptions
	pool      *pgxpool.Pool // the integrity checks' own pool
	// baseline is the one this run took before its load; nil until then. The checks judge
	// only against it.
	baseline *integrity.Baseline
}

// notJudgedError says why the integrity checks did not judge the run.
type notJudgedError struct{ reason string }

func (e *notJudgedError) Error() string { return "integrity not judged: " + e.reason }

// planDB reads options.db and options.integrity (with the flags on top). It registers the
// monitor's metrics in reg, so thresholds on db_* resolve. Nothing connects.
func planDB(o options.Options, f dbFlagsRun, reg *metrics.Registry) (dbPlan, error) {
	var p dbPlan
	cfg, err := dbmon.ParseOptions(o.Extra["db"])
	if err != nil {
		return p, fmt.Errorf("options.%w", err)
	}
	if f.monitorURL != "" {
		cfg.URL, cfg.Enabled = f.monitorURL, true
	}
	if cfg.Enabled {
		if _, err = dbmon.New(cfg, reg); err != nil {
			return p, fmt.Errorf("options.db.monitor: %w", err)
		}
		p.monitor = &cfg
	}
	if raw, ok := o.Extra["integrity"]; ok || f.integrityURL != "" {
		iopt := &integrityOptions{First: seed.DefaultConfig().First, Count: int64(seed.DefaultConfig().Count)}
		if ok {
			if err := json.Unmarshal(raw, iopt); err != nil {
				return p, fmt.Errorf("options.integrity: %w", err)
			}
			var given struct{ First, Count *int64 }
			_ = json.Unmarshal(raw, &given) // raw parsed into iopt just above
			iopt.rangeGiven = given.First != nil || given.Count != nil
		}
		if f.integrityURL != "" {
			iopt.URL = f.integrityURL
		}
		switch {
		case iopt.URL == "":
			return p, errors.New("options.integrity.url: missing (or pass --integrity URL)")
		case iopt.Count <= 0:
			return p, fmt.Errorf("options.integrity.count: %d must be > 0", iopt.Count)
		}
		if iopt.Checks == "nnprotect" {
			iopt.Checks = ""
		}
		iopt.Reconcile = iopt.Reconcile.withDefaults()
		p.integrity = iopt
	}
	return p, nil
}

// newDBSide prepares the database side of one run from its plan; nothing connects yet. The
// monitor's warnings go to log.
func newDBSide(p dbPlan, reg *metrics.Registry, log *slog.Logger) (*dbSide, error) {
	d := &dbSide{integrity: p.integrity}
	if p.monitor != nil {
		cfg := *p.monitor
		cfg.Logger = log
		m, err := dbmon.New(cfg, reg)
		if err != nil {
			return nil, fmt.Errorf("options.db.monitor: %w", err)
		}
		d.monitor = m
	}
	return d, nil
}

func (d *dbSide) rng() integrity.Range {
	return integrity.Range{First: d.integrity.First, Last: d.integrity.First + d.integrity.Count - 1}
}

// connect opens the integrity checks' pool and checks the staging marker; it runs before
// the VUs are initialised, so a wrong database stops the run before any work.
func (d *dbSide) connect(ctx context.Context) error {
	if d.integrity == nil {
		return nil
	}
	pool, err := pg.Open(ctx, d.integrity.URL)
	if err != nil {
		return fmt.Errorf("integrity: %w", err)
	}
	d.pool = pool
	if err := seed.Guard(ctx, pool); err != nil {
		return fmt.Errorf("integrity: %w", err)
	}
	if !d.integrity.rangeGiven {
		plan, found, err := seed.RecordedPlan(ctx, pool)
		if err != nil {
			return fmt.Errorf("integrity: %w", err)
		}
		if found {
			d.integrity.First, d.integrity.Count = plan.First, int64(plan.Count)
		}
	}
	return nil
}

// beforeLoad runs after setup() and before the first iteration: it takes the integrity
// baseline (so what setup wrote is part of it), then starts the monitor (so the baseline's
// own writes are not counted as the run's).
func (d *dbSide) beforeLoad(ctx context.Context, rec metrics.Recorder) error {
	if d.pool != nil {
		b, err := integrity.TakeBaseline(ctx, d.pool, d.rng())
		if err != nil {
			return exitErr(exitDatabase, fmt.Errorf("integrity baseline: %w", err))
		}
		d.baseline = &b
	}
	if d.monitor != nil {
		if err := d.monitor.Start(ctx, rec); err != nil {
			return exitErr(exitDatabase, fmt.Errorf("database monitor: %w", err))
		}
	}
	return nil
}

// stopMonitor takes the monitor's last sample once PostgreSQL has published the load's
// statistics (a wait that ctx, e.g. Ctrl-C, cuts short); call it after the load's
// connections are closed and before the metrics' final flush.
func (d *dbSide) stopMonitor(ctx context.Context) {
	if d.monitor != nil {
		d.monitor.Stop(ctx)
	}
}

// check runs the integrity checks after the run against the baseline this run took,
// reconciling the scenario's payment counters when it has them. When the run took no
// baseline (its load never started) it judges nothing and returns a *notJudgedError: an
// earlier run's baseline would judge this run's database wrongly.
func (d *dbSide) check(ctx context.Context, snap *metrics.Snapshot, reg *metrics.Registry) (*integrity.Report, error) {
	if d.integrity == nil || d.pool == nil {
		return nil, nil
	}
	if d.baseline == nil {
		return nil, &notJudgedError{reason: "the load never started, so this run took no baseline " +
			"(an earlier run's baseline would judge it wrongly)"}
	}
	if d.baseline.Members == 0 {
		return nil, &notJudgedError{reason: fmt.Sprintf("members %s hold no member, so every check would pass "+
			"vacuously (seed the range with nnjs seed, or set options.integrity.first and count)", d.rng())}
	}
	opts := integrity.Options{Range: d.rng(), ExtraDir: d.integrity.Checks, Baseline: d.baseline,
		Reconcile: reconcileCounts(d.integrity.Reconcile, snapshotCounters(snap, reg))}
	rep, err := integrity.Run(ctx, d.pool, opts)
	if err != nil {
		return nil, err // integrity's errors say "integrity: ..." already
	}
	return &rep, nil
}

func (d *dbSide) close() {
	if d.pool != nil {
		d.pool.Close()
	}
}

// dbReport is what the database side adds to the summary, the export and handleSummary's data.
type dbReport struct {
	monitor   *dbmon.Report
	integrity *integrity.Report
	// notJudged says why a run with integrity checks has no integrity report.
	notJudged string
}

// addTo adds "db" and "integrity" keys to a summary object (handleSummary data or export).
func (r dbReport) addTo(m map[string]any) error {
	if r.monitor != nil {
		m["db"] = r.monitor
	}
	if r.integrity != nil {
		b, err := r.integrity.JSON()
		if err != nil {
			return err
		}
		m["integrity"] = json.RawMessage(b)
	}
	if r.notJudged != "" {
		m["integrity"] = map[string]any{"judged": false, "reason": r.notJudged}
	}
	return nil
}

func (r dbReport) writeText(w io.Writer) error {
	if r.monitor != nil {
		if err := r.monitor.WriteText(w); err != nil {
			return err
		}
	}
	if r.integrity != nil {
		return r.integrity.WriteText(w)
	}
	if r.notJudged != "" {
		_, err := fmt.Fprintf(w, "integrity: not judged: %s\n", r.notJudged)
		return err
	}
	return nil
}
