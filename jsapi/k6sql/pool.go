package k6sql

import (
	"context"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

// DefaultMaxConns is the pool size when neither sql.open's maxConns nor the URL's
// pool_max_conns sets one. Pools are sized by the script, never by the number of VUs.
const DefaultMaxConns = 10

// OpenOptions are sql.open's options. Zero values keep the defaults.
type OpenOptions struct {
	MaxConns        int32         // maxConns (default DefaultMaxConns)
	MinConns        int32         // minConns (default 0)
	MaxConnLifetime time.Duration // maxConnLifetime (pgxpool default 1h)
	MaxConnIdleTime time.Duration // maxConnIdleTime (pgxpool default 30m)
	Name            string        // name: the "db" tag (default host:port/dbname)
	// ReadOnly (readOnly) makes every transaction read-only (default_transaction_read_only),
	// which also exempts the database from the module's Guard.
	ReadOnly bool
}

// Guard decides whether scripts may write to a database; it gets a short-lived connection to
// it. nnjs run installs the staging-marker check (seed.Guard), so a script cannot write test
// data into a database that is not explicitly a staging target.
type Guard func(ctx context.Context, conn *pgx.Conn) error

// guardTimeout bounds the connection and the check of a Guard.
const guardTimeout = 15 * time.Second

// SetGuard installs g; pools opened afterwards without readOnly must pass it. Call it before
// the script's init code runs.
func (m *Module) SetGuard(g Guard) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.guard = g
}

// pool is the one pgxpool of a database URL, shared by every VU of the run. The pgxpool is
// created on first use (sync.Once), so VUs that only open the database cost no connection.
type pool struct {
	mod    *Module
	name   string
	masker masker
	cfg    *pgxpool.Config

	once sync.Once
	p    *pgxpool.Pool // written under mod.mu inside once
	err  error
}

// open returns the pool of raw, creating its entry on first call. The options of the first
// open of a URL win; later opens of the same URL share that pool.
func (m *Module) open(raw string, o OpenOptions) (*pool, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.closed {
		return nil, ErrModuleClosed
	}
	if p, ok := m.pools[raw]; ok {
		return p, nil
	}
	msk := newMasker(raw)
	cfg, err := pgxpool.ParseConfig(raw)
	if err != nil {
		return nil, msk.wrap(err, "sql: open %s", msk.mask(raw))
	}
	msk = newMasker(raw, cfg.ConnConfig.Password)
	applyOptions(cfg, raw, o)
	if o.ReadOnly {
		cfg.ConnConfig.RuntimeParams["default_transaction_read_only"] = "on"
	} else if m.guard != nil {
		if err := m.check(cfg); err != nil {
			return nil, msk.wrap(err, "sql: open %s", msk.mask(raw))
		}
	}
	p := &pool{mod: m, name: o.Name, masker: msk, cfg: cfg}
	if p.name == "" {
		p.name = defaultName(cfg)
	}
	m.pools[raw] = p
	m.order = append(m.order, p)
	return p, nil
}

// check runs the guard on a short-lived connection (called with m.mu held, in init code).
func (m *Module) check(cfg *pgxpool.Config) error {
	ctx, cancel := context.WithTimeout(context.Background(), guardTimeout)
	defer cancel()
	conn, err := pgx.ConnectConfig(ctx, cfg.ConnConfig.Copy())
	if err != nil {
		return err
	}
	defer conn.Close(ctx)
	return m.guard(ctx, conn)
}

func applyOptions(cfg *pgxpool.Config, raw string, o OpenOptions) {
	switch {
	case o.MaxConns > 0:
		cfg.MaxConns = o.MaxConns
	case !strings.Contains(raw, "pool_max_conns"):
		cfg.MaxConns = DefaultMaxConns
	}
	if o.MinConns > 0 {
		cfg.MinConns = min(o.MinConns, cfg.MaxConns)
	}
	if o.MaxConnLifetime > 0 {
		cfg.MaxConnLifetime = o.MaxConnLifetime
	}
	if o.MaxConnIdleTime > 0 {
		cfg.MaxConnIdleTime = o.MaxConnIdleTime
	}
}

// defaultName is host:port/dbname: no user, no password.
func defaultName(cfg *pgxpool.Config) string {
	c := cfg.ConnConfig
	return c.Host + ":" + strconv.Itoa(int(c.Port)) + "/" + c.Database
}

// get returns the live pgxpool, creating it on first use.
func (p *pool) get() (*pgxpool.Pool, error) {
	p.once.Do(func() { p.mod.create(p) })
	return p.p, p.err
}

// create builds p's pgxpool unless the module was closed. It connects lazily.
func (m *Module) create(p *pool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.closed {
		p.err = ErrModuleClosed
		return
	}
	pp, err := pgxpool.NewWithConfig(context.Background(), p.cfg)
	if err != nil {
		p.err = p.masker.wrap(err, "sql: create pool %s", p.name)
		return
	}
	p.p = pp
}

// acquire takes a connection from the pool for one statement or transaction, recording the
// wait and the pool gauges.
func (in *instance) acquire(ctx context.Context, p *pool) (*pgxpool.Conn, error) {
	pp, err := p.get()
	if err != nil {
		return nil, err
	}
	start := time.Now()
	c, err := pp.Acquire(ctx)
	in.recordAcquire(p, time.Since(start), pp.Stat())
	if err != nil {
		return nil, p.masker.wrap(err, "sql: acquire connection (%s)", p.name)
	}
	return c, nil
}

// PoolStat is a snapshot of one shared pool, for gauges and reports.
type PoolStat struct {
	Name            string        // the "db" tag
	MaxConns        int32         // configured maximum
	InUse           int32         // acquired connections
	Idle            int32         // idle connections
	Total           int32         // open connections (in use, idle and being built)
	AcquireCount    int64         // successful acquires so far
	AcquireDuration time.Duration // total time spent acquiring
	EmptyAcquires   int64         // acquires that had to wait for a connection
}

// Pools returns a snapshot of every pool created so far, in the order they were opened.
func (m *Module) Pools() []PoolStat {
	m.mu.Lock()
	defer m.mu.Unlock()
	out := make([]PoolStat, 0, len(m.order))
	for _, p := range m.order {
		if p.p == nil {
			continue
		}
		s := p.p.Stat()
		out = append(out, PoolStat{
			Name: p.name, MaxConns: s.MaxConns(), InUse: s.AcquiredConns(), Idle: s.IdleConns(),
			Total: s.TotalConns(), AcquireCount: s.AcquireCount(), AcquireDuration: s.AcquireDuration(),
			EmptyAcquires: s.EmptyAcquireCount(),
		})
	}
	return out
}

// Close closes every pool (end of run); statements still running are cancelled by their VU
// contexts first. Later opens and statements fail with ErrModuleClosed. Close is idempotent.
func (m *Module) Close() {
	m.mu.Lock()
	m.closed = true
	var live []*pgxpool.Pool
	for _, p := range m.order {
		if p.p != nil {
			live = append(live, p.p)
		}
	}
	m.mu.Unlock()
	for _, pp := range live {
		pp.Close()
	}
}
