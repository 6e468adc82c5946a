package k6core

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/nnprotect/nnjs/engine/metrics"
	"github.com/nnprotect/nnjs/jsapi/modules/modulestest"
)

// newVU returns a fake VU (not in init) whose context is ctx, with the module's exports as
// globals (check, group, sleep, fail), as `import { check, ... } from "k6"` gives.
func newVU(t *testing.T, ctx context.Context) *modulestest.VU {
	t.Helper()
	vu := modulestest.NewVU(t)
	vu.Ctx = ctx
	vu.Expose(t, vu.Instance(t, New(), "k6"), "check", "group", "sleep", "fail")
	return vu
}

// tag returns the value of key in tags, failing when it is absent.
func tag(t *testing.T, tags *metrics.Tags, key string) string {
	t.Helper()
	v, ok := tags.Get(key)
	require.True(t, ok, "tag %q missing in %s", key, tags.Key())
	return v
}
