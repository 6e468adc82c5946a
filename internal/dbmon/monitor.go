package dbmon

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/nnprotect/nnjs/engine/metrics"
	"github.com/nnprotect/nnjs/internal/pg"
)

// ApplicationName is the application_name of the monitor's connection; sessions with it are
// left out of db_connections and the lock metrics.
const ApplicationName = pg.MonitorAppName

// sampleTimeout bounds one sampling transaction, and the last sample taken when stopping.
const sampleTimeout = 5 * time.Second

// Sentinel errors of Start.
var (
	ErrStarted       = errors.New("dbmon: monitor already started")
	ErrStopped       = errors.New("dbmon: monitor stopped")
	ErrServerVersion = errors.New("dbmon: PostgreSQL 14 or later is required")
)

// Monitor samples one PostgreSQL database during a run and records what it sees as metrics.
// Start launches one sampling goroutine, which alone uses the Recorder; Report and Stop are
// safe to call from any goroutine.
type Monitor struct {
	cfg  Config
	addr string // masked URL
	ms   metricSet

	mu      sync.Mutex // guards everything below
	tr      *tracker
	state   int // idle, running, stopped
	flush   bool
	since   time.Time       // server time of the baseline sample
	stopCtx context.Context // Stop's context, set before stopped is closed
	stopped chan struct{}
	done    chan struct{}
}

const (
	stateIdle = iota
	stateRunning
	stateStopped
)

// New validates cfg (URL required; Interval defaults to DefaultInterval) and registers the
// monitor's metrics in reg.
func New(cfg Config, reg *metrics.Registry) (*Monitor, error) {
	if cfg.URL == "" {
		return nil, ErrNoURL
	}
	if cfg.Interval == 0 {
		cfg.Interval = DefaultInterval
	}
	if err := checkInterval(cfg.Interval); err != nil {
		return nil, fmt.Errorf("dbmon: %w", err)
	}
	if cfg.FlushWait == 0 {
		cfg.FlushWait = DefaultFlushWait
	}
	ms, err := registerMetrics(reg)
	if err != nil {
		return nil, err
	}
	return &Monitor{
		cfg: cfg, addr: pg.MaskURL(cfg.URL), ms: ms, tr: newTracker(ms, cfg.Tables),
		stopped: make(chan struct{}), done: make(chan struct{}),
	}, nil
}

// Start connects, takes the baseline sample (deadlock, commit and row counters) and starts
// sampling every Interval until Stop. ctx bounds only this call (with DialTimeout for the
// connection): cancelling it afterwards does not stop the monitor. It returns a
// *pg.ConnectError when the database is unreachable, ErrServerVersion before PostgreSQL 14.
// rec is used by the sampling goroutine only.
func (m *Monitor) Start(ctx context.Context, rec metrics.Recorder) error {
	m.mu.Lock()
	switch m.state {
	case stateRunning:
		m.mu.Unlock()
		return ErrStarted
	case stateStopped:
		m.mu.Unlock()
		return ErrStopped
	}
	m.state = stateRunning
	m.mu.Unlock()

	conn, err := m.open(ctx)
	if err == nil {
		err = m.sample(ctx, conn, rec)
		if err != nil {
			_ = conn.Close(context.WithoutCancel(ctx))
		}
	}
	if err != nil {
		m.mu.Lock()
		m.state = stateStopped
		m.mu.Unlock()
		close(m.done)
		return err
	}
	m.warnUnknownTables()
	go m.loop(context.WithoutCancel(ctx), conn, rec)
	return nil
}

// Stop ends the monitor: it waits (up to FlushWait, and while ctx lasts) until PostgreSQL has
// published the statistics of the sessions that were busy during the run, takes a last
// sample (so the last commits, row changes and deadlocks count), closes the connection and
// waits for the sampling goroutine. Call it after the load's pools are closed: a session
// that exits publishes its statistics at once, an idle one within seconds. The last sample
// is taken even when ctx is done (within sampleTimeout). Stop is idempotent and safe before
// Start.
func (m *Monitor) Stop(ctx context.Context) {
	m.mu.Lock()
	st := m.state
	switch st {
	case stateIdle:
		m.state = stateStopped
	case stateRunning:
		if m.stopCtx == nil {
			m.stopCtx = ctx
			close(m.stopped)
		}
	}
	m.mu.Unlock()
	if st != stateIdle {
		<-m.done
	}
}

// warnUnknownTables warns (in the report, and through Config.Logger) about names of Tables
// that match no table of the database at the start.
func (m *Monitor) warnUnknownTables() {
	m.mu.Lock()
	names := m.tr.tables.unknown(m.tr.firstTables)
	for _, n := range names {
		m.tr.agg.r.Warnings = append(m.tr.agg.r.Warnings, fmt.Sprintf(
			"options.db.monitor.tables: no table %q in %s at the start of the run (its row changes are counted if it appears)", n, m.addr))
	}
	warnings := slices.Clone(m.tr.agg.r.Warnings)
	m.mu.Unlock()
	if m.cfg.Logger != nil {
		for _, w := range warnings {
			m.cfg.Logger.Warn(w)
		}
	}
}

// Report returns what the monitor has seen so far; after Stop, the whole run.
func (m *Monitor) Report() Report {
	m.mu.Lock()
	defer m.mu.Unlock()
	r := m.tr.agg.report()
	r.Database = m.addr
	r.IntervalMs = float64(m.cfg.Interval) / float64(time.Millisecond)
	return r
}

func (m *Monitor) loop(ctx context.Context, conn *pgx.Conn, rec metrics.Recorder) {
	defer func() {
		m.mu.Lock()
		m.state = stateStopped
		m.mu.Unlock()
		close(m.done)
	}()
	t := time.NewTicker(m.cfg.Interval)
	defer t.Stop()
	for {
		select {
		case <-m.stopped:
			m.mu.Lock()
			sctx := m.stopCtx
			m.mu.Unlock()
			m.last(sctx, conn, rec)
			return
		case <-t.C:
			conn = m.tick(ctx, conn, rec)
		}
	}
}

// tick takes one sample, reconnecting first when the connection was lost; it returns the
// connection to use next (nil when reconnecting failed).
func (m *Monitor) tick(ctx context.Context, conn *pgx.Conn, rec metrics.Recorder) *pgx.Conn {
	if conn = m.live(ctx, conn); conn == nil {
		return nil
	}
	_ = m.sample(ctx, conn, rec) // failures are counted in the report
	return conn
}

// last waits for the statistics flush while stopCtx lasts, then takes the final sample (even
// when stopCtx is done) and closes the connection.
func (m *Monitor) last(stopCtx context.Context, conn *pgx.Conn, rec metrics.Recorder) {
	final := context.WithoutCancel(stopCtx) // the last sample is taken whatever stopCtx says
	if conn = m.live(final, conn); conn == nil {
		m.noteFlush(flushResult{note: "no connection for the last sample"})
		return
	}
	m.noteFlush(m.awaitFlush(stopCtx, conn))
	if conn = m.live(final, conn); conn == nil {
		return
	}
	ctx, cancel := context.WithTimeout(final, sampleTimeout)
	defer cancel()
	_ = m.sample(ctx, conn, rec)
	_ = conn.Close(ctx)
}

// live returns conn, or a new connection when conn was lost (nil when that fails; the
// attempt is bounded by sampleTimeout).
func (m *Monitor) live(ctx context.Context, conn *pgx.Conn) *pgx.Conn {
	if conn != nil && !conn.IsClosed() {
		return conn
	}
	ctx, cancel := context.WithTimeout(ctx, sampleTimeout)
	defer cancel()
	return m.reopen(ctx)
}

// sample reads and records one sample.
func (m *Monitor) sample(ctx context.Context, conn *pgx.Conn, rec metrics.Recorder) error {
	sctx, cancel := context.WithTimeout(ctx, max(sampleTimeout, m.cfg.Interval))
	defer cancel()
	m.mu.Lock()
	flush := m.flush
	m.mu.Unlock()
	s, err := read(sctx, conn, flush)
	m.mu.Lock()
	defer m.mu.Unlock()
	if err != nil {
		err = fmt.Errorf("dbmon: sample %s: %w", m.addr, err)
		if ctx.Err() == nil { // a sample cut short by the end of the run is not a failure
			m.tr.agg.addError(err)
		}
		if !conn.IsClosed() {
			m.tr.sampled(false)
		}
		return err
	}
	m.tr.apply(s, rec)
	m.tr.sampled(true)
	return nil
}

// reopen reconnects after a lost connection; a failure is counted in the report and gives nil.
func (m *Monitor) reopen(ctx context.Context) *pgx.Conn {
	conn, err := m.open(ctx)
	m.mu.Lock()
	defer m.mu.Unlock()
	if err != nil {
		m.tr.agg.addError(err)
		return nil
	}
	// the connection's startup and the version check are transactions of ours too
	m.tr.sampled(true)
	m.tr.sampled(true)
	return conn
}
