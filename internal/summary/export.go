package summary

import (
	"bytes"
	"encoding/json"
	"fmt"
)

// Export returns k6's legacy --summary-export JSON: root_group with groups and checks keyed by
// name, and metrics as flat value objects. As in k6, a metric's "thresholds" maps each
// expression to true when the threshold FAILED (k6 writes !ok), and a Rate's "rate" is named
// "value".
func Export(r *Report) ([]byte, error) {
	out := map[string]any{
		"root_group": legacyGroup(r.RootGroup),
		"metrics":    legacyMetrics(r.Metrics),
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false) // keep "p(95)<500" readable, as JSON.stringify does
	enc.SetIndent("", "    ")
	if err := enc.Encode(out); err != nil {
		return nil, fmt.Errorf("summary: export: %w", err)
	}
	return buf.Bytes(), nil
}

func legacyGroup(g Group) map[string]any {
	groups := make(map[string]any, len(g.Groups))
	for _, sub := range g.Groups {
		groups[sub.Name] = legacyGroup(sub)
	}
	checks := make(map[string]Check, len(g.Checks))
	for _, c := range g.Checks {
		checks[c.Name] = c
	}
	return map[string]any{"name": g.Name, "path": g.Path, "id": g.ID, "groups": groups, "checks": checks}
}

func legacyMetrics(ms map[string]Metric) map[string]map[string]any {
	out := make(map[string]map[string]any, len(ms))
	for name, m := range ms {
		flat := make(map[string]any, len(m.Values)+1)
		for k, v := range m.Values {
			flat[k] = v
		}
		if m.Type == "rate" {
			if v, ok := flat["rate"]; ok {
				flat["value"] = v
				delete(flat, "rate")
			}
		}
		if len(m.Thresholds) > 0 {
			failed := make(map[string]bool, len(m.Thresholds))
			for src, res := range m.Thresholds {
				failed[src] = !res.OK
			}
			flat["thresholds"] = failed
		}
		out[name] = flat
	}
	return out
}
