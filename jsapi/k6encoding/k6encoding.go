package k6encoding

import (
	"encoding/base64"
	"fmt"

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
		return e.EncodeToString(Bytes(rt, input))
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

// encoding maps k6's alphabet names to encodings; undefined or "" is "std".
func encoding(rt *goja.Runtime, v goja.Value) *base64.Encoding {
	name := ""
	if v != nil && !goja.IsUndefined(v) {
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

// Bytes returns the bytes of a string (UTF-8), an ArrayBuffer or a typed array/DataView.
// Other values are converted to a string first.
func Bytes(rt *goja.Runtime, v goja.Value) []byte {
	if v == nil || goja.IsUndefined(v) || goja.IsNull(v) {
		return nil
	}
	switch x := v.Export().(type) {
	case goja.ArrayBuffer:
		return x.Bytes()
	case []byte:
		return x
	}
	if o, ok := v.(*goja.Object); ok {
		if ab, ok := o.Get("buffer").Export().(goja.ArrayBuffer); ok {
			off, n := o.Get("byteOffset").ToInteger(), o.Get("byteLength").ToInteger()
			return ab.Bytes()[off : off+n]
		}
	}
	return []byte(v.String())
}
