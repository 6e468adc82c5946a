package k6http

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"time"

	"github.com/dop251/goja"

	"github.com/nnprotect/nnjs/engine/options"
)

type respType uint8

const (
	respText respType = iota
	respBinary
	respNone
)

// prepared is a request parsed from JS arguments on the VU goroutine. execute may run it on
// another goroutine; it holds no goja values.
type prepared struct {
	err       error // the URL could not be used: no request is made
	req       *http.Request
	cancel    context.CancelCauseFunc
	tr        *tracer
	transport *fastTransport
	jar       http.CookieJar
	method    string
	tagURL    string // URL for the url tag, without password
	name      string // explicit name tag (params.tags.name or http.url)
	userTags  map[string]string
	userKey   string // identity of userTags for the tag cache
	timeout   time.Duration
	redirects int
	cb        *statusSet
	respType  respType
	cbSet     bool // params.responseCallback was given (cb may be nil)
	reqBody   []byte
	reqStr    string
	host      string         // params.headers.Host
	cookies   []*http.Cookie // params.cookies
	client    http.Client    // used by execute
	res       result         // what execute returns, allocated with the request

	compress   []string     // params.compression: codings applied to the body, in order
	wireBody   []byte       // the body as sent, when compressed
	authDigest bool         // params.auth "digest"
	digest     *digestCreds // set from the URL's user info when authDigest
	// The hop in progress (see RoundTrip): its request and response head, and whether it was
	// digest auth's challenge leg.
	open       *http.Request
	openResp   *http.Response
	challenged bool
}

// checkRedirect follows up to p.redirects hops, then returns the last response (as k6). It
// notes each hop, so a request failing on a redirect target reports that target's URL.
func (p *prepared) checkRedirect(req *http.Request, via []*http.Request) error {
	p.res.last = req
	if len(via) > p.redirects {
		return http.ErrUseLastResponse
	}
	return nil
}

// prepare turns JS arguments into a request. Misuse throws; an unusable URL sets p.err.
func (in *instance) prepare(method string, u, body, params goja.Value) *prepared {
	if !validMethod(method) {
		panic(in.rt.NewTypeError("http: invalid HTTP method %q", method))
	}
	d := in.settings()
	p := &prepared{method: method, timeout: d.timeout, redirects: d.redirects,
		respType: d.respType, transport: d.transport, jar: in.jar}
	rawURL := in.urlArg(u, p)
	reader, ctype := in.bodyArg(p, body)
	h := make(http.Header, 4)
	h["User-Agent"] = d.userAgent
	if ctype != "" {
		h["Content-Type"] = []string{ctype}
	}
	if obj, ok := params.(*goja.Object); ok {
		in.applyParams(p, h, obj)
	}
	if p.compress != nil && reader != nil {
		reader = in.compressBody(p, h)
	}
	p.tr = in.getTracer()
	ctx, cancel := context.WithCancelCause(p.tr.context(in.vu.Context()))
	p.cancel = cancel
	req, err := http.NewRequestWithContext(ctx, method, rawURL, reader)
	if err == nil && (req.URL.Host == "" || (req.URL.Scheme != "http" && req.URL.Scheme != "https")) {
		err = errInvalidURL
	}
	p.tagURL = rawURL
	if err != nil {
		p.err = wrapInvalidURL(err)
		return p
	}
	if req.URL.User != nil {
		p.tagURL = redactURL(req.URL)
	}
	if p.authDigest {
		in.takeDigestCreds(p, req)
	}
	req.Header = h
	if req.URL.Scheme == "https" {
		p.transport = in.httpsTransport()
		if o := in.vu.Options(); o != nil && len(o.TLSAuth) > 0 {
			req = withTLSHost(req)
		}
	}
	if p.host != "" {
		req.Host = p.host
	}
	for _, c := range p.cookies {
		req.AddCookie(c)
	}
	p.req = req
	return p
}

// compressBody encodes the request body with params.compression and sets Content-Encoding,
// unless the script set its own (k6 keeps the script's header and warns when they differ).
// Response.request.body stays the body as the script gave it, as in k6.
func (in *instance) compressBody(p *prepared, h http.Header) io.Reader {
	body := p.reqBody
	if body == nil {
		body = []byte(p.reqStr)
	}
	out, err := compress(p.compress, body)
	if err != nil {
		panic(in.rt.NewGoError(fmt.Errorf("http: params.compression: %w", err)))
	}
	enc := strings.Join(p.compress, ", ")
	switch own := h.Get("Content-Encoding"); {
	case own == "":
		h.Set("Content-Encoding", enc)
	case own != enc:
		in.vu.Logger().Warn("the Content-Encoding header set by the script differs from params.compression; the header is sent, the body is compressed",
			"header", own, "compression", enc, "method", p.method)
	}
	p.wireBody = out
	return bytes.NewReader(out)
}

// takeDigestCreds moves the URL's user and password into p.digest, so that no request
// carries them as basic auth.
func (in *instance) takeDigestCreds(p *prepared, req *http.Request) {
	if req.URL.User == nil {
		p.cancel(nil)
		panic(in.rt.NewTypeError("http: params.auth \"digest\" needs the user and password in the URL (http://user:pass@host/)"))
	}
	pass, _ := req.URL.User.Password()
	p.digest = &digestCreds{user: req.URL.User.Username(), pass: pass, host: req.URL.Host, body: p.wireBody}
	switch {
	case p.wireBody != nil:
	case p.reqBody != nil:
		p.digest.body = p.reqBody
	default:
		p.digest.body = []byte(p.reqStr)
	}
	req.URL.User = nil
}

func wrapInvalidURL(err error) error {
	if err == errInvalidURL {
		return err
	}
	return &urlError{err: err}
}

// urlError is an unparsable URL; it classifies as k6's 1020.
type urlError struct{ err error }

func (e *urlError) Error() string   { return "invalid URL: " + e.err.Error() }
func (e *urlError) Unwrap() []error { return []error{errInvalidURL, e.err} }

// redactURL masks the user info of a URL as k6 does: "****:****@" with a password,
// "****@" without.
func redactURL(u *url.URL) string {
	c := *u
	c.User = nil
	s := c.String()
	mask := "****@"
	if _, has := u.User.Password(); has {
		mask = "****:****@"
	}
	if i := strings.Index(s, "://"); i >= 0 {
		return s[:i+3] + mask + s[i+3:]
	}
	return s
}

// urlArg reads a URL argument: a string or an http.url`...` value (which sets p.name).
func (in *instance) urlArg(u goja.Value, p *prepared) string {
	if obj, ok := u.(*goja.Object); ok {
		if t, ok := obj.Export().(*taggedURL); ok {
			p.name = t.name
			return t.url
		}
	}
	if u == nil || goja.IsUndefined(u) || goja.IsNull(u) {
		panic(in.rt.NewTypeError("http: a URL is required"))
	}
	return u.String()
}

// bodyArg reads a body: string, ArrayBuffer, typed array, or an object sent as a form.
func (in *instance) bodyArg(p *prepared, body goja.Value) (io.Reader, string) {
	if body == nil || goja.IsUndefined(body) || goja.IsNull(body) {
		return nil, ""
	}
	obj, isObj := body.(*goja.Object)
	if !isObj {
		p.reqStr = body.String()
		return strings.NewReader(p.reqStr), ""
	}
	switch x := obj.Export().(type) {
	case goja.ArrayBuffer:
		p.reqBody = x.Bytes()
		return bytes.NewReader(p.reqBody), ""
	case []byte:
		p.reqBody = x
		return bytes.NewReader(p.reqBody), ""
	}
	return in.formBody(p, obj)
}

// formBody encodes an object as a form: urlencoded, or multipart when a value is http.file().
func (in *instance) formBody(p *prepared, obj *goja.Object) (io.Reader, string) {
	keys := obj.Keys()
	for _, k := range keys {
		if f, ok := exportFile(obj.Get(k)); ok && f != nil {
			return in.multipartBody(p, obj, keys)
		}
	}
	form := make(url.Values, len(keys))
	for _, k := range keys {
		form.Set(k, obj.Get(k).String())
	}
	p.reqStr = form.Encode()
	return strings.NewReader(p.reqStr), "application/x-www-form-urlencoded"
}

// applyParams reads the k6 Params object.
func (in *instance) applyParams(p *prepared, h http.Header, obj *goja.Object) {
	for _, key := range obj.Keys() {
		v := obj.Get(key)
		if goja.IsUndefined(v) || goja.IsNull(v) {
			if key == "responseCallback" && goja.IsNull(v) {
				p.cb, p.cbSet = nil, true
			}
			continue
		}
		in.applyParam(p, h, key, v)
	}
}

func (in *instance) applyParam(p *prepared, h http.Header, key string, v goja.Value) {
	rt := in.rt
	switch key {
	case "headers":
		in.applyHeaders(p, h, v)
	case "tags":
		in.applyTags(p, v)
	case "timeout":
		p.timeout = in.timeoutParam(v)
	case "responseType":
		p.respType = in.respTypeParam(v.String())
	case "redirects":
		n, ok := integer(v)
		if !ok || n < 0 {
			panic(rt.NewTypeError("http: params.redirects must be a non-negative integer"))
		}
		p.redirects = n
	case "responseCallback":
		cb, err := in.callbackValue(v)
		if err != nil {
			panic(rt.NewTypeError("http: params.responseCallback: %s", err.Error()))
		}
		p.cb, p.cbSet = cb, true
	case "cookies":
		in.applyCookies(p, v)
	case "jar":
		j, ok := exportJar(v)
		if !ok {
			panic(rt.NewTypeError("http: params.jar must be a CookieJar"))
		}
		p.jar = j.jar
	case "auth":
		switch a := v.String(); a {
		case "basic", "":
		case "digest":
			p.authDigest = true
		default:
			panic(rt.NewTypeError("http: params.auth %q is not supported by nnjs (use basic or digest)", a))
		}
	case "compression":
		list, err := parseCompression(v.String())
		if err != nil {
			panic(rt.NewTypeError("http: params.compression: %s", err.Error()))
		}
		p.compress = list
	}
}

func (in *instance) applyHeaders(p *prepared, h http.Header, v goja.Value) {
	obj, ok := v.(*goja.Object)
	if !ok {
		panic(in.rt.NewTypeError("http: params.headers must be an object"))
	}
	for _, k := range obj.Keys() {
		val := obj.Get(k).String()
		if strings.EqualFold(k, "host") {
			p.host = val
			continue
		}
		h.Set(k, val)
	}
}

func (in *instance) applyTags(p *prepared, v goja.Value) {
	obj, ok := v.(*goja.Object)
	if !ok {
		panic(in.rt.NewTypeError("http: params.tags must be an object"))
	}
	keys := obj.Keys()
	sort.Strings(keys)
	var key strings.Builder
	for _, k := range keys {
		val := obj.Get(k).String()
		if k == "name" {
			p.name = val
			continue
		}
		if p.userTags == nil {
			p.userTags = make(map[string]string, len(keys))
		}
		p.userTags[k] = val
		key.WriteString(k)
		key.WriteByte(0)
		key.WriteString(val)
		key.WriteByte(0)
	}
	p.userKey = key.String()
}

func (in *instance) timeoutParam(v goja.Value) time.Duration {
	if n, ok := v.Export().(int64); ok && n >= 0 {
		return time.Duration(n) * time.Millisecond
	}
	if f, ok := v.Export().(float64); ok && f >= 0 {
		return time.Duration(f * float64(time.Millisecond))
	}
	d, err := options.ParseDuration(v.String())
	if err != nil {
		panic(in.rt.NewTypeError("http: params.timeout: %s", err.Error()))
	}
	return d.D()
}

func (in *instance) respTypeParam(s string) respType {
	switch s {
	case "text":
		return respText
	case "binary":
		return respBinary
	case "none":
		return respNone
	}
	panic(in.rt.NewTypeError("http: params.responseType must be text, binary or none, not %q", s))
}

// validMethod reports whether m is an HTTP token (RFC 9110).
func validMethod(m string) bool {
	if m == "" {
		return false
	}
	for i := 0; i < len(m); i++ {
		c := m[i]
		if c <= ' ' || c >= 0x7f || strings.IndexByte("\"(),/:;<=>?@[\\]{}", c) >= 0 {
			return false
		}
	}
	return true
}
