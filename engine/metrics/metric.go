package metrics

import (
	"errors"
	"fmt"
	"sync"
)

// Type is the kind of aggregation a metric gets, as in k6.
type Type uint8

// The four k6 metric types.
const (
	Counter Type = iota + 1
	Gauge
	Rate
	Trend
)

// String returns the k6 name of the type ("counter", "gauge", "rate", "trend").
func (t Type) String() string {
	switch t {
	case Counter:
		return "counter"
	case Gauge:
		return "gauge"
	case Rate:
		return "rate"
	case Trend:
		return "trend"
	}
	return fmt.Sprintf("Type(%d)", uint8(t))
}

// ValueType says how values are formatted: plain numbers, milliseconds or bytes.
type ValueType uint8

// The k6 value types ("contains" in the summary JSON).
const (
	Default ValueType = iota
	Time
	Data
)

// String returns the k6 name of the value type ("default", "time", "data").
func (v ValueType) String() string {
	switch v {
	case Time:
		return "time"
	case Data:
		return "data"
	}
	return "default"
}

// Metric is a registered metric. Metrics are created once through a Registry and compared by
// pointer; they are immutable and safe for concurrent use.
type Metric struct {
	Name     string
	Type     Type
	Contains ValueType
	// ID is the metric's dense index in its Registry (0..Len-1), usable as a slice index.
	ID int
}

// ErrConflict is returned when a metric name is registered again with another type.
var ErrConflict = errors.New("metric already registered with a different type")

// ErrBadName is returned for a metric name k6 would refuse.
var ErrBadName = errors.New("invalid metric name")

// validName reports whether name follows k6's rule for metric names (since k6 v0.48, the
// regular expression ^[a-zA-Z_][a-zA-Z0-9_]{1,128}$): ASCII letters, digits and
// underscores, starting with a letter or an underscore, 2 to 129 characters. It is written
// out because compiling that expression (128 copies of the class) cost 1.5 ms and 100 KB
// at every process start.
func validName(name string) bool {
	if len(name) < 2 || len(name) > 129 {
		return false
	}
	for i := 0; i < len(name); i++ {
		c := name[i]
		switch {
		case c == '_', 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z':
		case '0' <= c && c <= '9' && i > 0:
		default:
			return false
		}
	}
	return true
}

// Registry holds the metrics of one run. It is safe for concurrent use.
type Registry struct {
	mu     sync.RWMutex
	byName map[string]*Metric
	list   []*Metric
}

// NewRegistry returns a registry holding the k6 built-in metrics (see Builtin).
func NewRegistry() *Registry {
	r := &Registry{byName: make(map[string]*Metric)}
	for _, b := range builtins {
		if _, err := r.New(b.name, b.typ, b.contains); err != nil {
			panic(err) // programming error in the builtins table
		}
	}
	return r
}

// New registers a metric, or returns the existing one when name, type and value type match.
func (r *Registry) New(name string, typ Type, contains ValueType) (*Metric, error) {
	if !validName(name) {
		return nil, fmt.Errorf("%w: %q: metric names must only include up to 128 ASCII letters, numbers, "+
			"or underscores and start with a letter or an underscore (as in k6)", ErrBadName, name)
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if m, ok := r.byName[name]; ok {
		if m.Type != typ || m.Contains != contains {
			return nil, fmt.Errorf("%w: %q is a %s, not a %s", ErrConflict, name, m.Type, typ)
		}
		return m, nil
	}
	m := &Metric{Name: name, Type: typ, Contains: contains, ID: len(r.list)}
	r.byName[name] = m
	r.list = append(r.list, m)
	return m, nil
}

// Get returns the metric with that name, or nil.
func (r *Registry) Get(name string) *Metric {
	r.mu.RLock()
	defer r.mu.RUnlock()
	return r.byName[name]
}

// All returns the registered metrics in registration order.
func (r *Registry) All() []*Metric {
	r.mu.RLock()
	defer r.mu.RUnlock()
	return append([]*Metric(nil), r.list...)
}

// Len returns how many metrics are registered.
func (r *Registry) Len() int {
	r.mu.RLock()
	defer r.mu.RUnlock()
	return len(r.list)
}

// Def describes a metric for NewAll: where to store it, its name, type and value type.
type Def struct {
	Dst      **Metric
	Name     string
	Type     Type
	Contains ValueType
}

// NewAll registers every def (see New) and stores each metric in its Dst. It stops at the first
// error, which names the metric.
func (r *Registry) NewAll(defs ...Def) error {
	for _, d := range defs {
		m, err := r.New(d.Name, d.Type, d.Contains)
		if err != nil {
			return fmt.Errorf("register %s: %w", d.Name, err)
		}
		*d.Dst = m
	}
	return nil
}
