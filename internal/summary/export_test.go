package summary

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/nnprotect/nnjs/engine/options"
)

func TestExport(t *testing.T) {
	t.Parallel()
	b, err := Export(newFixture(t).report(t, options.Options{}))
	require.NoError(t, err)
	assert.Contains(t, string(b), `"p(95)<300": true`, "no HTML escaping; true means failed")
	assert.Contains(t, string(b), "\n    \"metrics\": {", "4-space indent like JSON.stringify(x, null, 4)")

	var out struct {
		RootGroup struct {
			Checks map[string]Check `json:"checks"`
			Groups map[string]struct {
				Path   string           `json:"path"`
				Checks map[string]Check `json:"checks"`
				Groups map[string]json.RawMessage
			} `json:"groups"`
		} `json:"root_group"`
		Metrics map[string]map[string]any `json:"metrics"`
	}
	var raw map[string]json.RawMessage
	require.NoError(t, json.Unmarshal(b, &raw))
	assert.ElementsMatch(t, []string{"root_group", "metrics"}, keys(raw), "no options or state")
	require.NoError(t, json.Unmarshal(b, &out))

	assert.Equal(t, int64(3), out.RootGroup.Checks["status is 200"].Passes)
	checkout := out.RootGroup.Groups["checkout"]
	assert.Equal(t, "::checkout", checkout.Path)
	assert.Equal(t, int64(1), checkout.Checks["paid"].Fails)
	assert.Contains(t, checkout.Groups, "confirm")

	dur := out.Metrics["http_req_duration"]
	assert.Equal(t, 600.0, dur["max"])
	assert.Equal(t, map[string]any{"p(95)<500": false, "avg<1000": false}, dur["thresholds"])
	assert.Equal(t, map[string]any{"p(95)<300": true}, out.Metrics["http_req_duration{name:pay}"]["thresholds"])

	failed := out.Metrics["http_req_failed"]
	assert.Equal(t, 0.05, failed["value"], "a rate's rate is called value")
	assert.NotContains(t, failed, "rate")
	assert.Equal(t, 1.0, failed["passes"])
	assert.Equal(t, 19.0, failed["fails"])
	assert.Equal(t, map[string]any{"count": 20.0, "rate": 2.0}, out.Metrics["http_reqs"])
	assert.Equal(t, map[string]any{"value": 2.0, "min": 1.0, "max": 3.0}, out.Metrics["vus"])
}
