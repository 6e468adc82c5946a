package k6http

import (
	"sync"
	"time"
)

// idlePool holds fastTransport's idle keep-alive connections, per host:port, at most
// maxPerHost each. A request takes the newest one (LIFO: the connection most likely still
// open); a sweep closes those idle for timeout or longer, so the old ones at the bottom of a
// stack do not live for the whole run (a spike of VUs leaves thousands idle otherwise). The
// sweep is one timer per pool, armed while the pool holds a connection and set to the next
// expiry: taking and returning a connection cost no more than before (one flag read under
// the lock put already holds).
//
// It is safe for concurrent use.
type idlePool struct {
	maxPerHost int
	timeout    time.Duration

	mu    sync.Mutex
	conns map[string][]*fastConn // per host:port, in the order they went idle
	sweep *time.Timer            // nil until the first connection goes idle
	armed bool                   // sweep will fire
}

func newIdlePool(maxPerHost int, timeout time.Duration) idlePool {
	return idlePool{maxPerHost: maxPerHost, timeout: timeout, conns: map[string][]*fastConn{}}
}

// pop takes the connection of key that went idle last, or returns nil.
func (p *idlePool) pop(key string) *fastConn {
	p.mu.Lock()
	defer p.mu.Unlock()
	list := p.conns[key]
	n := len(list)
	if n == 0 {
		return nil
	}
	c := list[n-1]
	list[n-1] = nil
	p.conns[key] = list[:n-1]
	return c
}

// push makes c idle now; false when c's host already has maxPerHost idle connections (the
// caller closes c).
func (p *idlePool) push(c *fastConn) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	list := p.conns[c.key]
	if len(list) >= p.maxPerHost {
		return false
	}
	c.idleAt = time.Now() // under the lock: every list stays in idleAt order
	p.conns[c.key] = append(list, c)
	if !p.armed {
		p.armed = true
		if p.sweep == nil {
			p.sweep = time.AfterFunc(p.timeout, p.sweepExpired)
		} else {
			p.sweep.Reset(p.timeout)
		}
	}
	return true
}

// sweepExpired closes the connections idle for timeout or longer and sets the timer to the
// next expiry, or leaves it unarmed when the pool is empty.
func (p *idlePool) sweepExpired() {
	p.mu.Lock()
	now := time.Now()
	var expired []*fastConn
	var next time.Time // when the oldest survivor expires
	for key, list := range p.conns {
		n := 0
		for n < len(list) && now.Sub(list[n].idleAt) >= p.timeout {
			n++
		}
		expired = append(expired, list[:n]...)
		rest := copy(list, list[n:])
		clear(list[rest:])
		list = list[:rest]
		if rest == 0 {
			delete(p.conns, key)
			continue
		}
		p.conns[key] = list
		if at := list[0].idleAt.Add(p.timeout); next.IsZero() || at.Before(next) {
			next = at
		}
	}
	p.armed = !next.IsZero()
	if p.armed {
		p.sweep.Reset(next.Sub(now))
	}
	p.mu.Unlock()
	for _, c := range expired {
		_ = c.conn.Close()
	}
}

// closeAll closes every idle connection and disarms the sweep.
func (p *idlePool) closeAll() {
	p.mu.Lock()
	conns := p.conns
	p.conns = map[string][]*fastConn{}
	if p.sweep != nil {
		p.sweep.Stop()
	}
	p.armed = false
	p.mu.Unlock()
	for _, list := range conns {
		for _, c := range list {
			_ = c.conn.Close()
		}
	}
}
