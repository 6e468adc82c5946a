package dbmon

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/nnprotect/nnjs/engine/metrics"
	"github.com/nnprotect/nnjs/seed"
)

// ApplicationName is the application_name of the monitor's connection; sessions with it are
// left out of db_connections and the lock metrics.
const ApplicationName = "nnjs-monitor"

// sampleTimeout bounds one sampling transaction, and the last sample taken when stopping.
const sampleTimeout = 5 * time.Second

// Sentinel errors of Start.
var (
	ErrStarted       = errors.New("dbmon: monitor already started")
	ErrStopped       = errors.New("dbmon: monitor stopped")
	ErrServerVersion = errors.New("dbmon: PostgreSQL 14 or later is required")
)

// ConnectError is returned by Start when the database cannot be reached or the connection
// string is invalid. Addr is the masked connection string; the message never contains the
// password. Unwrap gives the driver's error (its text is not scrubbed).
type ConnectError struct {
	Addr string
	Err  error
	msg  string
}

// Error names the masked address and the scrubbed cause.
func (e *ConnectError) Error() string { return e.msg }

// Unwrap returns the driver's error.
func (e *ConnectError) Unwrap() error { return e.Err }

// Monitor samples one PostgreSQL database during a run and records what it sees as metrics.
// Start launches one sampling goroutine, which alone uses the Recorder; Report and Stop are
// safe to call from any goroutine.
type Monitor struct {
	cfg  Config
	addr string // masked URL
	ms   metricSet

	mu      sync.Mutex // guards tr, state and flush
	tr      *tracker
	state   int // idle, running, stopped
	flush   bool
	stopped chan struct{}
	done    chan struct{}
	once    sync.Once
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
	ms, err := registerMetrics(reg)
	if err != nil {
		return nil, err
	}
	return &Monitor{
		cfg: cfg, addr: seed.MaskURL(cfg.URL), ms: ms, tr: newTracker(ms, cfg.Tables),
		stopped: make(chan struct{}), done: make(chan struct{}),
	}, nil
}

// Start connects, takes the baseline sample (deadlock, commit and row counters) and samples
// every Interval until ctx is done or Stop is called. It returns once the baseline is taken;
// a *ConnectError when the database is unreachable, ErrServerVersion before PostgreSQL 14.
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
	go m.loop(ctx, conn, rec)
	return nil
}

// Stop takes a last sample (so deadlocks at the end count), closes the connection and waits
// for the sampling goroutine. It is idempotent and safe before Start. Stop it after the VUs'
// pool is closed: backends flush their statistics when they exit.
func (m *Monitor) Stop() {
	m.once.Do(func() { close(m.stopped) })
	m.mu.Lock()
	st := m.state
	if st == stateIdle {
		m.state = stateStopped
	}
	m.mu.Unlock()
	if st != stateIdle {
		<-m.done
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
		case <-ctx.Done():
			m.last(ctx, conn, rec)
			return
		case <-m.stopped:
			m.last(ctx, conn, rec)
			return
		case <-t.C:
			conn = m.tick(ctx, conn, rec)
		}
	}
}

// tick takes one sample, reconnecting first when the connection was lost; it returns the
// connection to use next (nil when reconnecting failed).
func (m *Monitor) tick(ctx context.Context, conn *pgx.Conn, rec metrics.Recorder) *pgx.Conn {
	if conn == nil || conn.IsClosed() {
		if conn = m.reopen(ctx); conn == nil {
			return nil
		}
	}
	_ = m.sample(ctx, conn, rec) // failures are counted in the report
	return conn
}

// last takes the final sample, even when ctx is already done, and closes the connection.
func (m *Monitor) last(ctx context.Context, conn *pgx.Conn, rec metrics.Recorder) {
	lctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), sampleTimeout)
	defer cancel()
	if conn == nil || conn.IsClosed() {
		if conn = m.reopen(lctx); conn == nil {
			return
		}
	}
	_ = m.sample(lctx, conn, rec)
	_ = conn.Close(lctx)
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

// open connects with application_name = ApplicationName and checks the server version.
func (m *Monitor) open(ctx context.Context) (*pgx.Conn, error) {
	cc, err := pgx.ParseConfig(m.cfg.URL)
	if err != nil {
		return nil, &ConnectError{Addr: m.addr, Err: err,
			msg: fmt.Sprintf("dbmon: invalid connection string %s", m.addr)}
	}
	cc.RuntimeParams["application_name"] = ApplicationName
	// No named prepared statements, so a pooler in transaction mode works too.
	cc.DefaultQueryExecMode = pgx.QueryExecModeExec
	conn, err := pgx.ConnectConfig(ctx, cc)
	if err != nil {
		text := scrub(err.Error(), m.cfg.URL, m.addr, cc.Password)
		return nil, &ConnectError{Addr: m.addr, Err: err,
			msg: fmt.Sprintf("dbmon: connect to %s: %s", m.addr, text)}
	}
	if err := m.checkServer(ctx, conn); err != nil {
		_ = conn.Close(context.WithoutCancel(ctx))
		return nil, err
	}
	return conn, nil
}

// checkServer requires PostgreSQL 14 (pg_locks.waitstart) and notes whether this session may
// call pg_stat_force_next_flush (15+), which makes the monitor's own transactions exactly
// subtractable from the commit counter. It runs in one transaction that, when it can, flushes
// this session's statistics (its startup transaction included) so the baseline sees them.
func (m *Monitor) checkServer(ctx context.Context, conn *pgx.Conn) error {
	var version int
	var flush bool
	err := pgx.BeginTxFunc(ctx, conn, pgx.TxOptions{AccessMode: pgx.ReadOnly}, func(tx pgx.Tx) error {
		err := tx.QueryRow(ctx, `SELECT current_setting('server_version_num')::int,
			coalesce(has_function_privilege(to_regprocedure('pg_stat_force_next_flush()'), 'EXECUTE'), false)`).
			Scan(&version, &flush)
		if err != nil || !flush {
			return err
		}
		_, err = tx.Exec(ctx, "SELECT pg_stat_force_next_flush()")
		return err
	})
	if err != nil {
		return fmt.Errorf("dbmon: server version of %s: %w", m.addr, err)
	}
	if version < 140000 {
		return fmt.Errorf("%w (%s runs %d)", ErrServerVersion, m.addr, version)
	}
	m.mu.Lock()
	m.flush = flush
	m.mu.Unlock()
	return nil
}

// scrub replaces the raw connection string and the password in text.
func scrub(text, url, addr, password string) string {
	if url != "" {
		text = strings.ReplaceAll(text, url, addr)
	}
	if len(password) >= 3 {
		text = strings.ReplaceAll(text, password, "xxxxx")
	}
	return text
}
