package k6sql

import (
	"context"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/nnprotect/nnjs/internal/pg"
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
	// ReadOnly (readOnly) runs every statement in a read-only transaction that nnjs verifies,
	// and refuses statements that could leave read-only mode; it exempts the database from
	// the module's Guard. A URL opened both ways has two pools.
	ReadOnly bool
}

// Guard decides whether scripts may write to a database; it gets a short-lived connection to
// it. nnjs run installs the staging-marker check (seed.Guard), so a script cannot write test
// data into a database that is not explicitly a staging target.
type Guard func(ctx context.Context, conn *pgx.Conn) error

// guardTimeout bounds the connection and the check of a Guard (the VU's context can end them
// sooner).
const guardTimeout = 15 * time.Second

// SetGuard installs g; pools opened afterwards without readOnly must pass it. Call it before
// the script's init code runs.
func (m *Module) SetGuard(g Guard) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.guard = g
}

// poolKey identifies a shared pool: one per URL and access mode.
type poolKey struct {
	url      string
	readOnly bool
}

// opening is a pool being prepared by the first sql.open of its key. The preparation (which
// may dial the database for the Guard) runs outside the module's lock; later opens of the
// same key wait for ready, or for their own context.
type opening struct {
	ready chan struct{}
	p     *pool
	err   error
}

// pool is the one pgxpool of a database URL, shared by every VU of the run. The pgxpool is
// created on first use (sync.Once), so VUs that only open the database cost no connection.
type pool struct {
	mod      *Module
	name     string
	masker   pg.Masker
	cfg      *pgxpool.Config
	readOnly bool

	once sync.Once
	p    *pgxpool.Pool // written under mod.mu inside once
	err  error
}

// open returns the pool of raw (and o.ReadOnly), preparing it on the first call under ctx
// (the VU's init context). The options of the first open of a key win; later opens share
// its pool. Only the first caller dials; a slow dial holds no lock, so other VUs' opens and
// the pool gauges go on.
func (m *Module) open(ctx context.Context, raw string, o OpenOptions) (*pool, error) {
	key := poolKey{url: raw, readOnly: o.ReadOnly}
	m.mu.Lock()
	if m.closed {
		m.mu.Unlock()
		return nil, ErrModuleClosed
	}
	op, waiting := m.pools[key]
	if !waiting {
		op = &opening{ready: make(chan struct{})}
		m.pools[key] = op
	}
	guard := m.guard
	m.mu.Unlock()
	if waiting {
		select {
		case <-op.ready:
			return op.p, op.err
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
	op.p, op.err = m.prepare(ctx, raw, o, guard)
	m.mu.Lock()
	switch {
	case m.closed && op.err == nil:
		op.p, op.err = nil, ErrModuleClosed
	case op.err != nil && ctx.Err() != nil:
		delete(m.pools, key) // cut short by its caller: a later open tries again
	case op.err == nil:
		m.order = append(m.order, op.p)
	}
	m.mu.Unlock()
	close(op.ready)
	return op.p, op.err
}

// prepare parses raw, applies the options and, for a writable pool, runs the guard.
func (m *Module) prepare(ctx context.Context, raw string, o OpenOptions, guard Guard) (*pool, error) {
	cfg, err := pg.PoolConfig(raw, pg.AppName)
	if err != nil {
		return nil, err // *pg.ConnectError, masked
	}
	msk := pg.NewMasker(raw, cfg.ConnConfig.Password)
	applyOptions(cfg, raw, o)
	if o.ReadOnly {
		cfg.ConnConfig.RuntimeParams["default_transaction_read_only"] = "on"
	} else if guard != nil {
		if err := check(ctx, cfg, guard); err != nil {
			return nil, newOpenError(msk, raw, err)
		}
	}
	p := &pool{mod: m, name: o.Name, masker: msk, cfg: cfg, readOnly: o.ReadOnly}
	if p.name == "" {
		p.name = defaultName(cfg, o.ReadOnly)
	}
	return p, nil
}

// check runs the guard on a short-lived connection, under ctx and guardTimeout.
func check(ctx context.Context, cfg *pgxpool.Config, guard Guard) error {
	ctx, cancel := context.WithTimeout(ctx, guardTimeout)
	defer cancel()
	conn, err := pg.Connect(ctx, cfg.ConnConfig.Copy())
	if err != nil {
		return err
	}
	defer func() { _ = conn.Close(context.WithoutCancel(ctx)) }()
	return guard(ctx, conn)
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

// defaultName is host:port/dbname, " (read-only)" for a read-only pool: no user, no password.
func defaultName(cfg *pgxpool.Config, readOnly bool) string {
	c := cfg.ConnConfig
	name := c.Host + ":" + strconv.Itoa(int(c.Port)) + "/" + c.Database
	if readOnly {
		name += " (read-only)"
	}
	return name
}

// get returns the live pgxpool, creating it on first use.
func (p *pool) get() (*pgxpool.Pool, error) {
	p.once.Do(func() { p.mod.create(p) })
	return p.p, p.err
}

// create builds p's pgxpool unless the module was closed. It connects lazily.
func (m *Module) create(p *pool) {
	m.mu.Lock()
	closed := m.closed
	m.mu.Unlock()
	if closed {
		p.err = ErrModuleClosed
		return
	}
	pp, err := pgxpool.NewWithConfig(context.Background(), p.cfg)
	if err != nil {
		p.err = wrapMasked(p.masker, err, "sql: create pool %s", p.name)
		return
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.closed {
		pp.Close()
		p.err = ErrModuleClosed
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
		return nil, wrapMasked(p.masker, err, "sql: acquire connection (%s)", p.name)
	}
	return c, nil
}
