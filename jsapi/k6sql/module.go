package k6sql

import (
	"fmt"
	"sync"

	"github.com/dop251/goja"

	"github.com/nnprotect/nnjs/jsapi/modules"
)

// Import names of the module.
const (
	Name            = "nnjs/sql"                 // the native API
	XK6Name         = "k6/x/sql"                 // xk6-sql's API
	XK6PostgresName = "k6/x/sql/driver/postgres" // xk6-sql's PostgreSQL driver module
)

// driverName is the description of the driver token and the driver string xk6-sql accepts.
const driverName = "postgres"

// Module is the SQL module of one run: it owns one pgxpool per database URL (and access
// mode), shared by all VUs. It is safe for concurrent use; each VU gets its own instance.
//
// Its lock guards only in-memory state and is never held across network I/O.
type Module struct {
	mu     sync.Mutex
	pools  map[poolKey]*opening
	order  []*pool // opened pools, in opening order
	closed bool
	guard  Guard // nil: any database may be written (library use); nnjs run sets one
}

// New returns the module for one run. Call Close when the run ends.
func New() *Module { return &Module{pools: map[poolKey]*opening{}} }

// Register makes the module importable as nnjs/sql, k6/x/sql and k6/x/sql/driver/postgres.
func (m *Module) Register(reg *modules.Registry) {
	reg.Register(m, Name)
	reg.Register(m.XK6(), XK6Name)
	reg.Register(PostgresDriver(), XK6PostgresName)
}

// XK6 returns the k6/x/sql flavour of the module: sql.open(driver, url[, options]), the
// legacy sql.query(db, text, ...args), and db.exec returning {rowsAffected(), lastInsertId()}.
// It shares m's pools.
func (m *Module) XK6() modules.Module {
	return modules.ModuleFunc(func(vu modules.VU) (*goja.Object, error) {
		return m.newInstance(vu, true)
	})
}

// PostgresDriver returns the k6/x/sql/driver/postgres module, whose default export is the
// driver token sql.open expects.
func PostgresDriver() modules.Module {
	return modules.ModuleFunc(func(vu modules.VU) (*goja.Object, error) {
		obj := vu.Runtime().NewObject()
		if err := obj.Set("default", goja.NewSymbol(driverName)); err != nil {
			return nil, fmt.Errorf("k6sql: driver export: %w", err)
		}
		return obj, nil
	})
}

// NewInstance returns the nnjs/sql exports for one VU.
func (m *Module) NewInstance(vu modules.VU) (*goja.Object, error) {
	return m.newInstance(vu, false)
}

// instance is the module as one VU sees it; used from the VU's goroutine only.
type instance struct {
	mod       *Module
	vu        modules.VU
	rt        *goja.Runtime
	xk6       bool
	met       sqlMetrics
	tags      tagCache
	infos     map[string]stmtInfo
	date      goja.Value    // the Date constructor
	parse     goja.Callable // JSON.parse
	stringify goja.Callable // JSON.stringify
}

func (m *Module) newInstance(vu modules.VU, xk6 bool) (*goja.Object, error) {
	rt := vu.Runtime()
	in := &instance{mod: m, vu: vu, rt: rt, xk6: xk6, infos: map[string]stmtInfo{}}
	met, err := registerMetrics(vu.Registry())
	if err != nil {
		return nil, fmt.Errorf("k6sql: new instance: %w", err)
	}
	in.met = met
	in.date = rt.Get("Date")
	json := rt.Get("JSON").ToObject(rt)
	var ok1, ok2 bool
	in.parse, ok1 = goja.AssertFunction(json.Get("parse"))
	in.stringify, ok2 = goja.AssertFunction(json.Get("stringify"))
	if !ok1 || !ok2 {
		return nil, fmt.Errorf("k6sql: new instance: JSON.parse/stringify missing")
	}
	return in.exports()
}

func (in *instance) exports() (*goja.Object, error) {
	exp := in.rt.NewObject()
	funcs := map[string]func(goja.FunctionCall) goja.Value{"open": in.jsOpen}
	if in.xk6 {
		funcs["open"] = in.jsOpenXK6
		funcs["query"] = in.jsLegacyQuery
	}
	for name, fn := range funcs {
		if err := exp.Set(name, fn); err != nil {
			return nil, fmt.Errorf("k6sql: export %s: %w", name, err)
		}
	}
	return exp, nil
}

// info returns the cached analysis of a statement text.
func (in *instance) info(text string) stmtInfo {
	if i, ok := in.infos[text]; ok {
		return i
	}
	if len(in.infos) >= maxCachedTags {
		clear(in.infos)
	}
	i := analyze(text)
	in.infos[text] = i
	return i
}
