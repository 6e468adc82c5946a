package k6sql

import (
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
)

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

// Pools returns a snapshot of every pool created so far, in the order they were opened. It
// never waits for a database: opens that are still dialing are not listed.
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
