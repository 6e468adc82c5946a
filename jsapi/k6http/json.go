package k6http

import (
	"github.com/dop251/goja"
	"github.com/tidwall/gjson"
)

// responseJSON implements res.json([selector]) as k6 does. Without a selector the body is
// parsed once with JSON.parse and cached; a body that is not JSON throws. With a selector
// the body is queried with gjson (the full path syntax: "items.#.id", "#(id==8)",
// "@reverse", wildcards) and the result is undefined when the body is not JSON or the path
// matches nothing. A response without a body (a failed request, responseType none) throws.
func (in *instance) responseJSON(call goja.FunctionCall) goja.Value {
	obj, ok := call.This.(*goja.Object)
	var o *response
	if ok {
		o, ok = obj.Export().(*response)
	}
	if !ok {
		panic(in.rt.NewTypeError("json() must be called on a Response"))
	}
	body := in.jsonBody(o)
	sel := call.Argument(0)
	if goja.IsUndefined(sel) || goja.IsNull(sel) {
		if o.parsed == nil {
			o.parsed = in.jsonParse(in.rt.ToValue(body))
		}
		return o.parsed
	}
	if !o.validJSON {
		if !gjson.Valid(body) {
			return goja.Undefined()
		}
		o.validJSON = true
	}
	res := gjson.Get(body, sel.String())
	if !res.Exists() {
		return goja.Undefined()
	}
	if res.Type == gjson.JSON { // objects and arrays keep their key order through JSON.parse
		return in.jsonParse(in.rt.ToValue(res.Raw))
	}
	return in.rt.ToValue(res.Value())
}

// jsonBody returns the body json() reads, throwing when the response has none.
func (in *instance) jsonBody(o *response) string {
	switch {
	case !o.r.read || o.p.respType == respNone:
		panic(in.rt.NewTypeError("json(): the response has no body (responseType none or a failed request)"))
	case o.p.respType == respBinary:
		return string(o.r.bin)
	}
	return o.r.text
}

func (in *instance) jsonParse(s goja.Value) goja.Value {
	parse, ok := goja.AssertFunction(in.rt.Get("JSON").ToObject(in.rt).Get("parse"))
	if !ok {
		panic(in.rt.NewTypeError("json(): JSON.parse is not available"))
	}
	v, err := parse(goja.Undefined(), s)
	if err != nil {
		panic(err)
	}
	return v
}
