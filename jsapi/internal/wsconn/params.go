package wsconn

import (
	"net/http"

	"github.com/dop251/goja"
)

// Params reads a connection's params object ({headers, tags}); other keys are ignored.
func Params(v goja.Value) (http.Header, map[string]string) {
	h, tags := http.Header{}, map[string]string{}
	o, ok := v.(*goja.Object)
	if !ok {
		return h, tags
	}
	if hv, ok := o.Get("headers").(*goja.Object); ok {
		for _, k := range hv.Keys() {
			h.Set(k, hv.Get(k).String())
		}
	}
	if tv, ok := o.Get("tags").(*goja.Object); ok {
		for _, k := range tv.Keys() {
			tags[k] = tv.Get(k).String()
		}
	}
	return h, tags
}
