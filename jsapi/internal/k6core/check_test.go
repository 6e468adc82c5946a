package k6core

import (
	"context"
	"testing"

	"github.com/dop251/goja"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/nnprotect/nnjs/engine/metrics"
)

// result is one expected `checks` sample: the check name and 1 (pass) or 0 (fail).
type result struct {
	check string
	value float64
}

func TestCheckResultAndSamples(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		src  string
		want bool
		recs []result
	}{
		{"all functions pass", `check(2, {"even": v => v % 2 === 0, "positive": v => v > 0})`, true,
			[]result{{"even", 1}, {"positive", 1}}},
		{"one function fails", `check(3, {"even": v => v % 2 === 0, "positive": v => v > 0})`, false,
			[]result{{"even", 0}, {"positive", 1}}},
		{"all fail", `check(-3, {"even": v => v % 2 === 0, "positive": v => v > 0})`, false,
			[]result{{"even", 0}, {"positive", 0}}},
		{"function gets the value", `check({status: 200}, {"is 200": r => r.status === 200})`, true,
			[]result{{"is 200", 1}}},
		{"function result is truthiness", `check(0, {"one": () => 1, "empty": () => "", "obj": () => ({})})`, false,
			[]result{{"one", 1}, {"empty", 0}, {"obj", 1}}},
		{"plain values", `check(null, {"t": true, "f": false, "n": 0, "s": "x"})`, false,
			[]result{{"t", 1}, {"f", 0}, {"n", 0}, {"s", 1}}},
		{"no conditions", `check(1, {})`, true, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			vu := newVU(t, t.Context())
			got := vu.Run(t, tc.src)
			assert.Equal(t, tc.want, got.Export())

			samples := vu.Rec.Of(metrics.Checks, nil)
			require.Len(t, samples, len(tc.recs))
			for i, want := range tc.recs {
				assert.Equal(t, want.check, tag(t, samples[i].Tags, "check"))
				assert.Equal(t, want.value, samples[i].Value, want.check)
				assert.Empty(t, tag(t, samples[i].Tags, "group"))
				assert.Equal(t, "default", tag(t, samples[i].Tags, "scenario"))
				assert.Equal(t, 3, samples[i].Tags.Len(), samples[i].Tags.Key())
			}
			assert.Len(t, vu.Rec.All(), len(tc.recs), "check must record nothing but checks")
		})
	}
}

func TestCheckRepeatedKeepsTagsApart(t *testing.T) {
	t.Parallel()
	vu := newVU(t, t.Context())
	vu.Run(t, `for (let i = 0; i < 3; i++) { check(i, {"zero": v => v === 0, "small": v => v < 2}) }`)
	samples := vu.Rec.Of(metrics.Checks, nil)
	require.Len(t, samples, 6)
	want := []result{{"zero", 1}, {"small", 1}, {"zero", 0}, {"small", 1}, {"zero", 0}, {"small", 0}}
	for i, w := range want {
		assert.Equal(t, w.check, tag(t, samples[i].Tags, "check"), i)
		assert.Equal(t, w.value, samples[i].Value, i)
	}
}

func TestCheckExtraTags(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		tags string
		want map[string]string
	}{
		{"added", `{kind: "api", n: 7}`,
			map[string]string{"scenario": "default", "group": "", "check": "ok", "kind": "api", "n": "7"}},
		{"override scenario tag", `{scenario: "other"}`,
			map[string]string{"scenario": "other", "group": "", "check": "ok"}},
		{"check name wins over a check tag", `{check: "spoof"}`,
			map[string]string{"scenario": "default", "group": "", "check": "ok"}},
		{"empty object", `{}`, map[string]string{"scenario": "default", "group": "", "check": "ok"}},
		{"undefined", `undefined`, map[string]string{"scenario": "default", "group": "", "check": "ok"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			vu := newVU(t, t.Context())
			before := vu.Tags()
			assert.Equal(t, true, vu.Run(t, `check(1, {"ok": true}, `+tc.tags+`)`).Export())
			samples := vu.Rec.Of(metrics.Checks, nil)
			require.Len(t, samples, 1)
			assert.Equal(t, tc.want, samples[0].Tags.Map())
			assert.Same(t, before, vu.Tags(), "extra tags must not stick to the VU")
		})
	}
}

func TestCheckInGroupCarriesGroupTag(t *testing.T) {
	t.Parallel()
	vu := newVU(t, t.Context())
	vu.Run(t, `check(1, {"outside": true}); group("g", () => check(1, {"inside": true}, {k: "v"}))`)
	samples := vu.Rec.Of(metrics.Checks, nil)
	require.Len(t, samples, 2)
	assert.Empty(t, tag(t, samples[0].Tags, "group"))
	assert.Equal(t, "::g", tag(t, samples[1].Tags, "group"))
	assert.Equal(t, "v", tag(t, samples[1].Tags, "k"))
}

func TestCheckConditionThrowPropagates(t *testing.T) {
	t.Parallel()
	vu := newVU(t, t.Context())
	_, err := vu.RunErr(`check(1, {"boom": () => { throw new RangeError("cond failed") }}); "after"`)
	var ex *goja.Exception
	require.ErrorAs(t, err, &ex)

	caught := vu.Run(t, `(() => {
		try { check(1, {"boom": () => { throw new RangeError("cond failed") }}); return "no throw" }
		catch (e) { return e instanceof RangeError ? e.message : String(e) } })()`)
	assert.Equal(t, "cond failed", caught.String())
}

// As in k6: the throwing condition is recorded as failed, the ones before it as they were, and
// the ones after it are not evaluated.
func TestCheckConditionThrowRecordsFailure(t *testing.T) {
	t.Parallel()
	vu := newVU(t, t.Context())
	_, err := vu.RunErr(`globalThis.later = false;
		check(1, {"ok": () => true, "boom": () => { throw new Error("x") }, "later": () => { globalThis.later = true; return true }})`)
	var ex *goja.Exception
	require.ErrorAs(t, err, &ex)
	samples := vu.Rec.Of(metrics.Checks, nil)
	require.Len(t, samples, 2)
	assert.Equal(t, "ok", tag(t, samples[0].Tags, "check"))
	assert.Equal(t, 1.0, samples[0].Value)
	assert.Equal(t, "boom", tag(t, samples[1].Tags, "check"))
	assert.Equal(t, 0.0, samples[1].Value)
	assert.False(t, vu.RT.Get("later").ToBoolean(), "conditions after the throw must not run")
}

func TestCheckConditionStoppedRecordsNothing(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(t.Context())
	vu := newVU(t, ctx)
	cancel()
	_, err := vu.RunErr(`check(1, {"slept": () => { sleep(1); return true }})`)
	require.Error(t, err)
	assert.Empty(t, vu.Rec.Of(metrics.Checks, nil))
}

func TestCheckBadConditionsThrows(t *testing.T) {
	t.Parallel()
	for _, src := range []string{`check(1)`, `check(1, "x")`, `check(1, 5)`, `check(1, null)`} {
		t.Run(src, func(t *testing.T) {
			t.Parallel()
			vu := newVU(t, t.Context())
			assert.Equal(t, "TypeError", vu.Throws(t, src))
			assert.Empty(t, vu.Rec.Of(metrics.Checks, nil))
		})
	}
}
