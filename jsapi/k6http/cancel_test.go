package k6http

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/dop251/goja"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestCancelledRequestInterrupts: a request that returns because the VU's context ended
// interrupts the runtime before it returns, so the next statement never runs (the VU has no
// other watcher here), and it records no sample.
func TestCancelledRequestInterrupts(t *testing.T) {
	t.Parallel()
	held := make(chan struct{}, 4)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		held <- struct{}{}
		<-r.Context().Done()
	}))
	t.Cleanup(srv.Close)
	for _, tc := range []struct {
		name, src string
		requests  int
		throw     bool
	}{
		{"get", `http.get(URL)`, 1, false},
		{"post with throw", `http.post(URL, "body")`, 1, true},
		{"batch", `http.batch([URL, ["POST", URL, "x"]])`, 2, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t, nil)
			e.vu.Opts.Throw = &tc.throw
			ctx, cancel := context.WithCancel(t.Context())
			defer cancel()
			e.vu.Ctx = ctx
			e.set("URL", srv.URL)
			go func() {
				for range tc.requests {
					<-held
				}
				cancel()
			}()
			err := e.runErr(`try { ` + tc.src + `; globalThis.after = true } finally { globalThis.after = true }`)
			var ie *goja.InterruptedError
			require.ErrorAs(t, err, &ie)
			assert.ErrorIs(t, ie, context.Canceled, "the interrupt carries the context's cause")
			assert.Nil(t, e.vu.RT.Get("after"), "not one more statement ran")
			assert.Empty(t, e.vu.Rec.All(), "no sample for a cancelled request")
		})
	}
}
