package jsapi

import (
	"context"
	"errors"
	"log/slog"
	"testing"
	"testing/synctest"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/nnprotect/nnjs/engine"
	"github.com/nnprotect/nnjs/engine/options"
)

func TestEncodingAndCrypto(t *testing.T) {
	t.Parallel()
	h := newHarness(t, "encoding.js", options.Options{}, nil)
	v := h.vu(1, "")
	require.NoError(t, v.Iterate(context.Background(), engine.Iteration{}))
	assert.Equal(t, true, v.global("done"))

	bad := h.vu(2, "badAlphabet")
	var se *ScriptError
	require.ErrorAs(t, bad.Iterate(context.Background(), engine.Iteration{}), &se)
	assert.Contains(t, se.Msg, "unknown base64 encoding")
}

func TestConsole(t *testing.T) {
	t.Parallel()
	h := newHarness(t, "console.js", options.Options{}, nil)
	v := h.vu(4, "")
	require.NoError(t, v.Iterate(context.Background(), engine.Iteration{}))
	assert.Equal(t, []string{`init {"a":1}`, "careful 42 [1,2]", "Error: bad thing"}, h.logs.messages())
	for i := range 3 {
		vuID, ok := h.logs.attr(i, "vu")
		require.True(t, ok)
		assert.Equal(t, uint64(4), vuID.Uint64())
		src, _ := h.logs.attr(i, "source")
		assert.Equal(t, "console", src.String())
	}
	h.logs.mu.Lock()
	assert.Equal(t, slog.LevelWarn, h.logs.recs[1].Level)
	assert.Equal(t, slog.LevelError, h.logs.recs[2].Level)
	h.logs.mu.Unlock()
}

func TestErrorLogRateLimited(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		logs := &logRecords{}
		l := newErrorLog(slog.New(logs), 5*time.Second)
		boom := &ScriptError{Msg: "boom", Stack: "\tat x.js:1:1\n"}
		for range 3 {
			l.log(1, boom)
		}
		l.log(2, errors.New("other"))
		assert.Equal(t, []string{"uncaught exception: boom", "uncaught exception: other"}, logs.messages())
		time.Sleep(6 * time.Second)
		l.log(1, boom)
		require.Len(t, logs.messages(), 3)
		n, ok := logs.attr(2, "suppressed")
		require.True(t, ok)
		assert.Equal(t, int64(2), n.Int64())
		st, ok := logs.attr(2, "stack")
		require.True(t, ok)
		assert.Equal(t, boom.Stack, st.String())
	})
}
