package k6sql

import (
	"context"
	"testing"
	"time"

	"github.com/dop251/goja"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/nnprotect/nnjs/internal/pgtest"
)

// TestCancelledStatementInterrupts: a statement, or a transaction, that returns because the
// VU's context ended interrupts the runtime: no catch or finally runs, no SQL error is thrown
// and the cancelled statement records no sample.
func TestCancelledStatementInterrupts(t *testing.T) {
	w := newWorld(t)
	for _, tc := range []struct{ name, src string }{
		{"query", `db.query("SELECT pg_sleep(30), 'cancel-me'")`},
		{"exec", `db.exec("SELECT pg_sleep(30), 'cancel-me'")`},
		{"tx", `db.tx((tx) => { tx.exec("SELECT pg_sleep(30), 'cancel-me'"); globalThis.after = 1 })`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			v := w.opened(1, "")
			ctx, cancel := context.WithCancel(t.Context())
			defer cancel()
			v.Ctx = ctx
			w.rec.Reset()
			waited := make(chan error, 1)
			go func() {
				defer cancel()
				waited <- pgtest.WaitActive(w.url, "cancel-me", 30*time.Second)
			}()
			_, err := v.RunErr(`try { ` + tc.src + `; globalThis.after = true } catch (e) { globalThis.after = e } finally { globalThis.after = true }`)
			require.NoError(t, <-waited)
			var ie *goja.InterruptedError
			require.ErrorAs(t, err, &ie)
			assert.Nil(t, v.RT.Get("after"), "not one more statement ran")
			assert.Empty(t, w.rec.Of(Errors, nil), "a cancelled statement is not an SQL error")
			for _, s := range w.rec.Of(QueryDuration, nil) {
				name, _ := s.Tags.Get("name")
				assert.Equal(t, "BEGIN", name, "only what ran before the cancel is recorded")
			}
		})
	}
}
