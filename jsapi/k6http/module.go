package k6http

import (
	"crypto/tls"
	"errors"
	"fmt"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/dop251/goja"

	"github.com/nnprotect/nnjs/engine/metrics"
	"github.com/nnprotect/nnjs/engine/options"
	"github.com/nnprotect/nnjs/jsapi/modules"
)

// ErrInitContext is thrown when a script makes an HTTP request from init code.
var ErrInitContext = errors.New("making HTTP requests in the init context is not supported")

// ErrMissingMetric is returned by NewInstance when the VU's registry lacks a k6 built-in.
var ErrMissingMetric = errors.New("built-in metric missing from the registry")

var (
	errInvalidURL   = errors.New("invalid URL")
	errCallbackType = errors.New("the callback must be null or the result of http.expectedStatuses()")
)

// Config tunes the transport shared by every VU of a run. The zero value is ready to use.
type Config struct {
	// MaxIdleConnsPerHost bounds the idle keep-alive connections kept per host
	// (default 10,000, so thousands of VUs hitting one host keep their connections).
	MaxIdleConnsPerHost int
	// IdleConnTimeout is how long a keep-alive connection may stay idle before it is closed
	// (default 90s, as net/http).
	IdleConnTimeout time.Duration
	// DialTimeout bounds a TCP connect and a TLS handshake (default 30s).
	DialTimeout time.Duration
	// UserAgent is sent when options.userAgent is not set.
	UserAgent string
	// TLSClientConfig is the base TLS configuration (e.g. extra roots); it is cloned.
	TLSClientConfig *tls.Config
	// Redirect, when set, maps the "host:port" a request dials to the address to dial instead
	// (tests run scripts written for remote hosts against loopback servers with it).
	Redirect func(addr string) string
}

// Module is the k6/http module of one run. It owns the shared transports and is safe for
// concurrent use; each VU gets its own instance through NewInstance.
type Module struct {
	cfg        Config
	mu         sync.Mutex
	transports [4]atomic.Pointer[fastTransport]
	net        *netSettings     // from the options, set with the first transport (options are final then)
	own        []*fastTransport // the VUs' own transports (options.noVUConnectionReuse)
}

// New returns the module for one run.
func New(cfg Config) *Module {
	if cfg.MaxIdleConnsPerHost <= 0 {
		cfg.MaxIdleConnsPerHost = defaultMaxIdleConnsPerHost
	}
	if cfg.IdleConnTimeout <= 0 {
		cfg.IdleConnTimeout = defaultIdleConnTimeout
	}
	if cfg.DialTimeout <= 0 {
		cfg.DialTimeout = defaultDialTimeout
	}
	if cfg.UserAgent == "" {
		cfg.UserAgent = defaultUserAgent
	}
	return &Module{cfg: cfg}
}

// transport returns the shared transport of a kind, building it on first use. o is the
// run's options; the first call's are kept (every VU has the same options).
func (m *Module) transport(kind transportKind, o *options.Options) *fastTransport {
	if t := m.transports[kind].Load(); t != nil {
		return t
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if t := m.transports[kind].Load(); t != nil {
		return t
	}
	t := newFastTransport(newTransport(m.cfg, kind, m.settings(o)))
	m.transports[kind].Store(t)
	return t
}

// vuTransport returns a transport for one VU alone, as k6 gives each VU: for https (each VU
// has its own connections, HTTP/2 ones included) and under options.noVUConnectionReuse
// (its idle connections are closed between iterations).
func (m *Module) vuTransport(kind transportKind, o *options.Options) *fastTransport {
	m.mu.Lock()
	defer m.mu.Unlock()
	t := newFastTransport(newTransport(m.cfg, kind, m.settings(o)))
	m.own = append(m.own, t)
	return t
}

// settings returns the run's network settings, built on first use; m.mu is held.
func (m *Module) settings(o *options.Options) *netSettings {
	if m.net == nil {
		m.net = newNetSettings(o)
	}
	return m.net
}

// CloseIdleConnections closes the idle connections of every transport (end of run).
func (m *Module) CloseIdleConnections() {
	for i := range m.transports {
		if t := m.transports[i].Load(); t != nil {
			t.CloseIdleConnections()
		}
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	for _, t := range m.own {
		t.CloseIdleConnections()
	}
}

// NewInstance returns the exports of the module for one VU.
func (m *Module) NewInstance(vu modules.VU) (*goja.Object, error) {
	in := &instance{mod: m, vu: vu, rt: vu.Runtime(), callback: defaultExpected, jar: &cookieJar{}}
	if err := in.metrics.lookup(vu.Registry()); err != nil {
		return nil, fmt.Errorf("k6http: new instance: %w", err)
	}
	vu.OnIterationStart(in.iterationStart)
	return in.exports()
}

// exports returns the module object: its functions are built on first access (lazyExports).
func (in *instance) exports() (*goja.Object, error) {
	return in.rt.NewDynamicObject(modules.NewLazyObject(in.rt, exportFactories, in)), nil
}

// iterationStart resets the VU's cookie jar unless options.noCookiesReset, and closes the
// VU's idle connections under options.noVUConnectionReuse.
func (in *instance) iterationStart() {
	if in.defaults != nil && in.defaults.own {
		in.defaults.transport.CloseIdleConnections()
	}
	if o := in.vu.Options(); o != nil && o.NoCookiesReset != nil && *o.NoCookiesReset {
		return
	}
	in.jar.reset()
}

// httpMetrics are the built-in metrics a request records.
type httpMetrics struct {
	reqs, failed, duration, blocked, connecting, tls, sending, waiting, receiving *metrics.Metric
	sent, received                                                                *metrics.Metric
}

func (h *httpMetrics) lookup(reg *metrics.Registry) error {
	for _, x := range []struct {
		dst  **metrics.Metric
		name string
	}{
		{&h.reqs, metrics.HTTPReqs}, {&h.failed, metrics.HTTPReqFailed},
		{&h.duration, metrics.HTTPReqDuration}, {&h.blocked, metrics.HTTPReqBlocked},
		{&h.connecting, metrics.HTTPReqConnecting}, {&h.tls, metrics.HTTPReqTLSHandshaking},
		{&h.sending, metrics.HTTPReqSending}, {&h.waiting, metrics.HTTPReqWaiting},
		{&h.receiving, metrics.HTTPReqReceiving},
		{&h.sent, metrics.DataSent}, {&h.received, metrics.DataReceived},
	} {
		if *x.dst = reg.Get(x.name); *x.dst == nil {
			return fmt.Errorf("%w: %s", ErrMissingMetric, x.name)
		}
	}
	return nil
}

func itoa(i int) string { return strconv.Itoa(i) }
