package k6sql

import (
	"database/sql/driver"
	"encoding/hex"
	"fmt"
	"math"
	"math/big"
	"time"

	"github.com/dop251/goja"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgtype"
)

// maxSafeInt is Number.MAX_SAFE_INTEGER (2^53-1): beyond it a JS number loses integer precision.
const maxSafeInt = 1<<53 - 1

// arg converts a JS argument for a $n placeholder: undefined/null → NULL, numbers, strings,
// booleans as such, BigInt → int64 (or its decimal text when larger), Date → timestamp,
// ArrayBuffer/typed array → bytea, arrays → PostgreSQL arrays (elements converted the same
// way), any other object → its JSON text (for json/jsonb parameters).
func (in *instance) arg(v goja.Value) any {
	if v == nil || goja.IsUndefined(v) || goja.IsNull(v) {
		return nil
	}
	obj, isObj := v.(*goja.Object)
	if !isObj {
		switch x := v.Export().(type) {
		case *big.Int:
			if x.IsInt64() {
				return x.Int64()
			}
			return x.String()
		default:
			return x // int64, float64, string, bool
		}
	}
	switch obj.ClassName() {
	case "Array":
		n := int(obj.Get("length").ToInteger())
		out := make([]any, n)
		for i := range n {
			out[i] = in.arg(obj.Get(fmt.Sprint(i)))
		}
		return out
	case "Date":
		return obj.Export() // time.Time
	}
	switch x := obj.Export().(type) {
	case goja.ArrayBuffer:
		return append([]byte(nil), x.Bytes()...)
	case []byte:
		return append([]byte(nil), x...)
	}
	s, err := in.stringify(goja.Undefined(), obj)
	if err != nil {
		panic(err)
	}
	return s.String()
}

// decoder turns the rows of one result into JS objects.
type decoder struct {
	in    *instance
	names []string
	json  []bool // json/jsonb column: scanned raw and parsed with JSON.parse
	dest  []any
	vals  []any
	raws  [][]byte
}

func (in *instance) newDecoder(fields []pgconn.FieldDescription) *decoder {
	d := &decoder{
		in: in, names: make([]string, len(fields)), json: make([]bool, len(fields)),
		dest: make([]any, len(fields)), vals: make([]any, len(fields)), raws: make([][]byte, len(fields)),
	}
	for i, f := range fields {
		d.names[i] = f.Name
		d.json[i] = f.DataTypeOID == pgtype.JSONOID || f.DataTypeOID == pgtype.JSONBOID
		if d.json[i] {
			d.dest[i] = &d.raws[i]
		} else {
			d.dest[i] = &d.vals[i]
		}
	}
	return d
}

// row scans the current row into a JS object keyed by column name (a later column wins over
// an earlier one with the same name).
func (d *decoder) row(rows pgx.Rows) (*goja.Object, error) {
	clear(d.vals)
	clear(d.raws)
	if err := rows.Scan(d.dest...); err != nil {
		return nil, fmt.Errorf("scan row: %w", err)
	}
	obj := d.in.rt.NewObject()
	for i, name := range d.names {
		var v goja.Value
		if d.json[i] {
			var err error
			if v, err = d.in.parseJSON(d.raws[i]); err != nil {
				return nil, fmt.Errorf("column %s: %w", name, err)
			}
		} else {
			v = d.in.value(d.vals[i])
		}
		if err := obj.Set(name, v); err != nil {
			return nil, fmt.Errorf("column %s: %w", name, err)
		}
	}
	return obj, nil
}

// parseJSON parses raw JSON text with the runtime's JSON.parse (key order kept); nil is NULL.
func (in *instance) parseJSON(raw []byte) (goja.Value, error) {
	if raw == nil {
		return goja.Null(), nil
	}
	v, err := in.parse(goja.Undefined(), in.rt.ToValue(string(raw)))
	if err != nil {
		return nil, fmt.Errorf("parse json: %w", err)
	}
	return v, nil
}

// value converts a decoded PostgreSQL value to JS; see the package documentation for the
// mapping.
func (in *instance) value(v any) goja.Value {
	switch x := v.(type) {
	case nil:
		return goja.Null()
	case bool, string, int16, int32, uint32, float32, float64:
		return in.rt.ToValue(x)
	case int64:
		if x > maxSafeInt || x < -maxSafeInt {
			return in.rt.ToValue(fmt.Sprint(x))
		}
		return in.rt.ToValue(x)
	case time.Time:
		return in.dateOf(x)
	case []byte:
		return in.rt.ToValue(in.rt.NewArrayBuffer(append([]byte(nil), x...)))
	case [16]byte:
		return in.rt.ToValue(uuidString(x))
	case pgtype.Numeric:
		s, err := x.Value()
		if err != nil || s == nil {
			return goja.Null()
		}
		return in.rt.ToValue(s)
	case []any:
		return in.array(x)
	case map[string]any:
		return in.object(x)
	}
	return in.rt.ToValue(fallbackString(v))
}

// dateOf returns a JS Date (millisecond precision) for t.
func (in *instance) dateOf(t time.Time) goja.Value {
	ms := float64(t.UnixNano()) / float64(time.Millisecond)
	if t.Year() < 1678 || t.Year() > 2261 { // outside UnixNano's range
		ms = float64(t.UnixMilli())
	}
	d, err := in.rt.New(in.date, in.rt.ToValue(math.Floor(ms)))
	if err != nil {
		return goja.Null()
	}
	return d
}

func (in *instance) array(xs []any) goja.Value {
	vals := make([]any, len(xs))
	for i, x := range xs {
		vals[i] = in.value(x)
	}
	return in.rt.NewArray(vals...)
}

// object converts a JSON object decoded by pgx (inside an array of json values).
func (in *instance) object(m map[string]any) goja.Value {
	obj := in.rt.NewObject()
	for k, x := range m {
		_ = obj.Set(k, in.value(x))
	}
	return obj
}

func uuidString(b [16]byte) string {
	h := hex.EncodeToString(b[:])
	return h[0:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:32]
}

// fallbackString renders the other pgtype values (interval, time, inet, ranges, ...) as text.
func fallbackString(v any) string {
	if dv, ok := v.(driver.Valuer); ok {
		if x, err := dv.Value(); err == nil && x != nil {
			if s, ok := x.(string); ok {
				return s
			}
			return fmt.Sprint(x)
		}
	}
	if s, ok := v.(fmt.Stringer); ok {
		return s.String()
	}
	return fmt.Sprint(v)
}
