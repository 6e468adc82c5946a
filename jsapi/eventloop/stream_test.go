package eventloop

import (
	"testing"
	"testing/synctest"
	"time"

	"github.com/dop251/goja"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestStreamKeepsTheRunUntilClosed(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		start := time.Now()
		log, err := script(t, t.Context(), `open()`, func(l *Loop, rt *goja.Runtime) {
			_ = rt.Set("open", func() {
				s := l.Stream()
				go func() {
					for range 3 {
						time.Sleep(time.Second)
						s.Push(func() error { _, err := rt.RunString(`log("event")`); return err })
					}
					s.Close()
					s.Close() // twice is harmless
					assert.False(t, s.Push(func() error { return nil }), "nothing after Close")
				}()
			})
		})
		require.NoError(t, err)
		assert.Equal(t, []string{"event", "event", "event"}, log)
		assert.Equal(t, 3*time.Second, time.Since(start))
	})
}
