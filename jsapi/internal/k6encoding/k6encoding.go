package k6encoding

import (
	"encoding/base64"
	"errors"
	"fmt"
	"reflect"

	"github.com/dop251/goja"

	"github.com/nnprotect/nnjs/jsapi/modules"
)

// New returns the k6/encoding module.
func New() modules.Module { return modules.ModuleFunc(newInstance) }

func newInstance(vu modules.VU) (*goja.Object, error) {
	rt := vu.Runtime()
	obj := rt.NewObject()
	encode := func(input, enc goja.Value) string {
		e := encoding(rt, enc)
		return e.EncodeToString(Bytes(rt, "b64encode", input))
	}
	decode := func(input, enc, format goja.Value) goja.Value {
		e := encoding(rt, enc)
		b, err := e.DecodeString(input.String())
		if err != nil {
			panic(rt.NewGoError(fmt.Errorf("b64decode: %w", err)))
		}
		if format != nil && !goja.IsUndefined(format) && format.String() == "s" {
			return rt.ToValue(string(b))
		}
		return rt.ToValue(rt.NewArrayBuffer(b))
	}
	if err := obj.Set("b64encode", encode); err != nil {
		return nil, fmt.Errorf("k6/encoding: %w", err)
	}
	if err := obj.Set("b64decode", decode); err != nil {
		return nil, fmt.Errorf("k6/encoding: %w", err)
	}
	return obj, nil
}

// encoding maps k6's alphabet names to encodings; undefined, null or "" is "std", as in k6
// (`b64decode(s, null, "s")` is common in k6 scripts).
func encoding(rt *goja.Runtime, v goja.Value) *base64.Encoding {
	name := ""
	if v != nil && !goja.IsUndefined(v) && !goja.IsNull(v) {
		name = v.String()
	}
	switch name {
	case "", "std":
		return base64.StdEncoding
	case "rawstd":
		return base64.RawStdEncoding
	case "url":
		return base64.URLEncoding
	case "rawurl":
		return base64.RawURLEncoding
	}
	panic(rt.NewTypeError(fmt.Sprintf("unknown base64 encoding %q (use std, rawstd, url or rawurl)", name)))
}

// ErrNotBytes is wrapped by ToBytes when a value has no bytes: anything but a string, an
// ArrayBuffer, a typed array or a DataView. k6 throws for those values too (undefined, null,
// numbers, plain arrays and objects included) rather than converting them.
var ErrNotBytes = errors.New("expected a string, ArrayBuffer, typed array or DataView")

// ToBytes returns the bytes of a string (UTF-8), an ArrayBuffer, or the window of a typed
// array or DataView (sharing its memory). Any other value is an error wrapping ErrNotBytes.
func ToBytes(rt *goja.Runtime, v goja.Value) ([]byte, error) {
	o, isObj := v.(*goja.Object)
	if !isObj {
		if _, sym := v.(*goja.Symbol); !sym && v != nil {
			if s, ok := v.Export().(string); ok {
				return []byte(s), nil
			}
		}
		return nil, fmt.Errorf("%w, got %s", ErrNotBytes, typeName(v))
	}
	switch x := o.Export().(type) {
	case goja.ArrayBuffer:
		return x.Bytes(), nil
	case []byte: // Uint8Array, Uint8ClampedArray
		return x, nil
	case []int8, []uint16, []int16, []uint32, []int32, []float32, []float64, []int64, []uint64:
		return viewBytes(rt, o)
	}
	if isView(rt, o) { // DataView
		return viewBytes(rt, o)
	}
	return nil, fmt.Errorf("%w, got %s", ErrNotBytes, typeName(v))
}

// Bytes is ToBytes for native functions: it throws a JS TypeError naming what (e.g.
// "sha256 input") instead of returning an error.
func Bytes(rt *goja.Runtime, what string, v goja.Value) []byte {
	b, err := ToBytes(rt, v)
	if err != nil {
		panic(rt.NewTypeError(fmt.Sprintf("%s: %v", what, err)))
	}
	return b
}

// viewBytes returns the bytes a typed array or DataView sees; goja reads its own offset and
// length, so no property of o (which a script may redefine) is trusted.
func viewBytes(rt *goja.Runtime, o *goja.Object) ([]byte, error) {
	var b []byte
	if err := rt.ExportTo(o, &b); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrNotBytes, err)
	}
	return b, nil
}

// isView reports whether ArrayBuffer.isView(o) is true.
func isView(rt *goja.Runtime, o *goja.Object) bool {
	ab, ok := rt.Get("ArrayBuffer").(*goja.Object)
	if !ok {
		return false
	}
	fn, ok := goja.AssertFunction(ab.Get("isView"))
	if !ok {
		return false
	}
	res, err := fn(ab, o)
	return err == nil && res.ToBoolean()
}

// typeName describes v for an error message, like typeof but with null and array apart.
func typeName(v goja.Value) string {
	switch {
	case v == nil || goja.IsUndefined(v):
		return "undefined"
	case goja.IsNull(v):
		return "null"
	}
	if o, ok := v.(*goja.Object); ok {
		if o.ClassName() == "Array" {
			return "array"
		}
		return "object"
	}
	switch v.ExportType().Kind() {
	case reflect.Bool:
		return "boolean"
	case reflect.Int64, reflect.Float64:
		return "number"
	}
	if _, sym := v.(*goja.Symbol); sym {
		return "symbol"
	}
	return "bigint" // the only primitive left: strings have bytes
}
