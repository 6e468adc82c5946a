package k6http

import (
	"strconv"
	"strings"

	"github.com/dop251/goja"
)

// responseJSON implements res.json([selector]): the body parsed once with JSON.parse and
// cached; the selector is a gjson-style dotted path ("data.items.0.id", "items.#" for a length).
// A selector that matches nothing returns undefined.
func (in *instance) responseJSON(call goja.FunctionCall) goja.Value {
	obj, ok := call.This.(*goja.Object)
	var o *response
	if ok {
		o, ok = obj.Export().(*response)
	}
	if !ok {
		panic(in.rt.NewTypeError("json() must be called on a Response"))
	}
	if o.parsed == nil {
		o.parsed = in.parseBody(o)
	}
	sel := call.Argument(0)
	if goja.IsUndefined(sel) || goja.IsNull(sel) || sel.String() == "" {
		return o.parsed
	}
	return selectPath(o.parsed, sel.String())
}

func (in *instance) parseBody(o *response) goja.Value {
	var body goja.Value
	switch {
	case o.r.resp == nil || o.p.respType == respNone:
		panic(in.rt.NewTypeError("json(): the response has no body (responseType none or a failed request)"))
	case o.p.respType == respBinary:
		body = in.rt.ToValue(string(o.r.bin))
	default:
		body = o.Get("body")
	}
	parse, ok := goja.AssertFunction(in.rt.Get("JSON").ToObject(in.rt).Get("parse"))
	if !ok {
		panic(in.rt.NewTypeError("json(): JSON.parse is not available"))
	}
	v, err := parse(goja.Undefined(), body)
	if err != nil {
		panic(err)
	}
	return v
}

// selectPath walks a dotted path through objects and arrays.
func selectPath(v goja.Value, path string) goja.Value {
	for _, seg := range splitPath(path) {
		obj, ok := v.(*goja.Object)
		if !ok {
			return goja.Undefined()
		}
		isArray := obj.ClassName() == "Array"
		switch {
		case isArray && seg == "#":
			v = obj.Get("length")
		case isArray:
			if _, err := strconv.Atoi(seg); err != nil {
				return goja.Undefined()
			}
			v = obj.Get(seg)
		default:
			v = obj.Get(seg)
		}
		if v == nil {
			return goja.Undefined()
		}
	}
	return v
}

// splitPath splits on dots, honouring "\." as a literal dot.
func splitPath(path string) []string {
	var out []string
	var cur strings.Builder
	for i := 0; i < len(path); i++ {
		switch {
		case path[i] == '\\' && i+1 < len(path):
			i++
			cur.WriteByte(path[i])
		case path[i] == '.':
			out = append(out, cur.String())
			cur.Reset()
		default:
			cur.WriteByte(path[i])
		}
	}
	return append(out, cur.String())
}
