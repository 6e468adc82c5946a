package k6timers

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/nnprotect/nnjs/jsapi/modules/modulestest"
)

func TestArguments(t *testing.T) {
	t.Parallel()
	vu := modulestest.NewVU(t)
	require.NoError(t, Install(vu))
	assert.Equal(t, "TypeError", vu.Throws(t, `setTimeout("not a function", 1)`))
	_, err := vu.RunAsync(`
		globalThis.log = [];
		const a = setTimeout(() => log.push("nan"), NaN);
		const b = setTimeout(() => log.push("negative"), -5);
		const c = setInterval(() => log.push("never"), 1);
		clearTimeout(c); // clearTimeout and clearInterval are interchangeable
		clearInterval(12345); clearTimeout("x"); clearTimeout();
		globalThis.ids = [a, b, c];`)
	require.NoError(t, err)
	assert.Equal(t, []any{"nan", "negative"}, vu.RT.Get("log").Export())
	assert.Equal(t, []any{int64(1), int64(2), int64(3)}, vu.RT.Get("ids").Export())
	obj, err := New().NewInstance(vu)
	require.NoError(t, err)
	require.NoError(t, vu.RT.Set("mod", obj))
	assert.Equal(t, true, vu.Run(t, `mod.setTimeout === setTimeout && mod.clearInterval === clearInterval`).Export())
}
