package k6http

import (
	"fmt"
	"net/url"
	"strings"

	"github.com/dop251/goja"

	"github.com/nnprotect/nnjs/jsapi/internal/k6html"
)

// htmlMethods are the Response methods that read the body as HTML (k6/html), built once per
// instance on first use.
type htmlMethods struct {
	b                           *k6html.Builder
	html, submitForm, clickLink goja.Value
}

// htmlMethod returns res.html, res.submitForm or res.clickLink.
func (in *instance) htmlMethod(key string) goja.Value {
	if in.htmlFns == nil {
		in.htmlFns = &htmlMethods{b: k6html.NewBuilder(in.rt)}
		in.htmlFns.html = in.rt.ToValue(in.responseHTML)
		in.htmlFns.submitForm = in.rt.ToValue(in.submitForm)
		in.htmlFns.clickLink = in.rt.ToValue(in.clickLink)
	}
	switch key {
	case "html":
		return in.htmlFns.html
	case "submitForm":
		return in.htmlFns.submitForm
	}
	return in.htmlFns.clickLink
}

// thisResponse returns the Response a method was called on.
func (in *instance) thisResponse(this goja.Value, name string) *response {
	if obj, ok := this.(*goja.Object); ok {
		if o, ok := obj.Export().(*response); ok {
			return o
		}
	}
	panic(in.rt.NewTypeError(name + "() must be called on a Response"))
}

// htmlBody returns the response body as text, throwing when there is none.
func (in *instance) htmlBody(o *response, name string) string {
	switch {
	case !o.r.read || o.p.respType == respNone:
		panic(in.rt.NewTypeError(name + "(): the response has no body (responseType none or a failed request)"))
	case o.p.respType == respBinary:
		return string(o.r.bin)
	}
	return o.r.text
}

// responseHTML is res.html(selector?): the body parsed as HTML, as k6's Selection.
func (in *instance) responseHTML(call goja.FunctionCall) goja.Value {
	o := in.thisResponse(call.This, "html")
	sel := ""
	if a := call.Argument(0); !goja.IsUndefined(a) && !goja.IsNull(a) {
		sel = a.String()
	}
	v, _ := in.htmlFns.b.ParseSelection(in.htmlBody(o, "html"), sel)
	return v
}

// submitForm is k6's res.submitForm({formSelector, fields, submitSelector, params}): it fills
// the form found in the body with its current values, the submit button's name and value and
// fields, and sends it to the form's action (resolved against the response URL) with its
// method (GET puts the values in the query string).
func (in *instance) submitForm(call goja.FunctionCall) goja.Value {
	o := in.thisResponse(call.This, "submitForm")
	args := optionsArg(in.rt, call.Argument(0))
	formSel, submitSel := stringOpt(args, "formSelector", "form"), stringOpt(args, "submitSelector", `[type="submit"]`)
	_, form := in.htmlFns.b.ParseSelection(in.htmlBody(o, "submitForm"), formSel)
	if form.Length() == 0 {
		panic(in.rt.NewGoError(fmt.Errorf("submitForm: no form found for selector %q in response %q", formSel, o.str("url"))))
	}
	form = form.First()
	method := strings.ToUpper(form.AttrOr("method", "GET"))
	target := in.resolve(o, form.AttrOr("action", ""), "submitForm")
	values := in.htmlFns.b.FormObject(form)
	if name := form.Find(submitSel).AttrOr("name", ""); name != "" {
		_ = values.Set(name, form.Find(submitSel).AttrOr("value", ""))
	}
	if fields, ok := args.Get("fields").(*goja.Object); ok && args.Get("fields") != nil {
		for _, k := range fields.Keys() {
			_ = values.Set(k, fields.Get(k))
		}
	}
	params := args.Get("params")
	if params == nil {
		params = goja.Undefined()
	}
	if method == "GET" {
		q := url.Values{}
		for _, k := range values.Keys() {
			q.Add(k, values.Get(k).String())
		}
		target.RawQuery = q.Encode()
		return in.do("GET", in.rt.ToValue(target.String()), goja.Null(), params)
	}
	return in.do(method, in.rt.ToValue(target.String()), values, params)
}

// clickLink is k6's res.clickLink({selector, params}): a GET of the href of the first element
// the selector (default a[href]) finds, resolved against the response URL.
func (in *instance) clickLink(call goja.FunctionCall) goja.Value {
	o := in.thisResponse(call.This, "clickLink")
	args := optionsArg(in.rt, call.Argument(0))
	sel := stringOpt(args, "selector", "a[href]")
	_, link := in.htmlFns.b.ParseSelection(in.htmlBody(o, "clickLink"), sel)
	if link.Length() == 0 {
		panic(in.rt.NewGoError(fmt.Errorf("clickLink: no element found for selector %q in response %q", sel, o.str("url"))))
	}
	href, ok := link.First().Attr("href")
	if !ok {
		panic(in.rt.NewGoError(fmt.Errorf("clickLink: no valid href attribute value found on element %q in response %q", sel, o.str("url"))))
	}
	params := args.Get("params")
	if params == nil {
		params = goja.Undefined()
	}
	return in.do("GET", in.rt.ToValue(in.resolve(o, href, "clickLink").String()), goja.Undefined(), params)
}

// resolve resolves ref against the response's URL.
func (in *instance) resolve(o *response, ref, name string) *url.URL {
	base, err := url.Parse(o.str("url"))
	if err != nil {
		panic(in.rt.NewGoError(fmt.Errorf("%s: the response URL: %w", name, err)))
	}
	u, err := url.Parse(ref)
	if err != nil {
		panic(in.rt.NewGoError(fmt.Errorf("%s: %q: %w", name, ref, err)))
	}
	return base.ResolveReference(u)
}

// optionsArg returns v as an object (an empty one when undefined or null).
func optionsArg(rt *goja.Runtime, v goja.Value) *goja.Object {
	if o, ok := v.(*goja.Object); ok {
		return o
	}
	return rt.NewObject()
}

// stringOpt reads a string option, with a default when it is missing.
func stringOpt(o *goja.Object, key, def string) string {
	v := o.Get(key)
	if v == nil || goja.IsUndefined(v) || goja.IsNull(v) {
		return def
	}
	return v.String()
}
