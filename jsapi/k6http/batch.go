package k6http

import (
	"sync"

	"github.com/dop251/goja"
)

// batch implements http.batch(requests): an array or object of requests, each a URL string,
// [method, url, body, params] or {method, url, body, params}. Requests run in parallel, at
// most options.batch at once and options.batchPerHost per host; the result has the same
// shape (array or object with the same keys).
func (in *instance) batch(call goja.FunctionCall) goja.Value {
	if in.vu.InInit() {
		panic(in.rt.NewGoError(ErrInitContext))
	}
	arg, ok := call.Argument(0).(*goja.Object)
	if !ok {
		panic(in.rt.NewTypeError("http.batch: requests must be an array or an object"))
	}
	isArray := arg.ClassName() == "Array"
	keys := arg.Keys()
	if isArray {
		keys = keys[:0]
		for i := range int(arg.Get("length").ToInteger()) {
			keys = append(keys, itoa(i))
		}
	}
	preps := in.prepareBatch(arg, keys)
	results := in.runBatch(preps)
	var out *goja.Object
	if isArray {
		out = in.rt.NewArray()
	} else {
		out = in.rt.NewObject()
	}
	for i, k := range keys {
		_ = out.Set(k, in.finish(preps[i], results[i]))
	}
	return out
}

// prepareBatch prepares every element; if one throws, the ones already prepared are released.
func (in *instance) prepareBatch(arg *goja.Object, keys []string) []*prepared {
	preps := make([]*prepared, 0, len(keys))
	defer func() {
		if len(preps) < len(keys) { // a panic is unwinding
			for _, p := range preps {
				p.cancel(nil)
			}
		}
	}()
	for _, k := range keys {
		preps = append(preps, in.batchItem(arg.Get(k)))
	}
	return preps
}

// batchItem prepares one element of a batch.
func (in *instance) batchItem(v goja.Value) *prepared {
	obj, ok := v.(*goja.Object)
	if !ok || isTaggedURL(obj) {
		return in.prepare("GET", v, nil, nil)
	}
	if obj.ClassName() == "Array" {
		method := obj.Get("0")
		if method == nil || goja.IsUndefined(method) {
			panic(in.rt.NewTypeError("http.batch: an array request needs [method, url, body, params]"))
		}
		return in.prepare(method.String(), obj.Get("1"), obj.Get("2"), obj.Get("3"))
	}
	method := "GET"
	if m := obj.Get("method"); m != nil && !goja.IsUndefined(m) {
		method = m.String()
	}
	return in.prepare(method, obj.Get("url"), obj.Get("body"), obj.Get("params"))
}

func isTaggedURL(obj *goja.Object) bool {
	_, ok := obj.Export().(*taggedURL)
	return ok
}

// runBatch executes the prepared requests within the batch limits and returns their
// results in order (nil for a request that could not be made).
func (in *instance) runBatch(preps []*prepared) []*result {
	d := in.settings()
	results := make([]*result, len(preps))
	all := make(chan struct{}, d.batch)
	perHost := map[string]chan struct{}{}
	var wg sync.WaitGroup
	for i, p := range preps {
		if p.err != nil {
			continue
		}
		var host chan struct{}
		if d.batchPerHost > 0 {
			if host = perHost[p.req.URL.Host]; host == nil {
				host = make(chan struct{}, d.batchPerHost)
				perHost[p.req.URL.Host] = host
			}
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			if host != nil {
				host <- struct{}{}
				defer func() { <-host }()
			}
			all <- struct{}{}
			defer func() { <-all }()
			results[i] = execute(p)
		}()
	}
	wg.Wait()
	return results
}
