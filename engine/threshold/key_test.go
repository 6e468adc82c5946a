package threshold

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestParseKey(t *testing.T) {
	t.Parallel()
	tests := []struct {
		key, metric string
		tags        map[string]string // nil: no filter
		name        string
	}{
		{"http_req_duration", "http_req_duration", nil, "http_req_duration"},
		{"  iterations ", "iterations", nil, "iterations"},
		{"http_req_duration{name:pay}", "http_req_duration", map[string]string{"name": "pay"},
			"http_req_duration{name:pay}"},
		{"http_req_duration{ name : pay , method:POST }", "http_req_duration",
			map[string]string{"name": "pay", "method": "POST"}, "http_req_duration{method:POST,name:pay}"},
		{"group_duration{group:::checkout}", "group_duration", map[string]string{"group": "::checkout"},
			"group_duration{group:::checkout}"},
		{"group_duration{group:::outer::inner}", "group_duration",
			map[string]string{"group": "::outer::inner"}, "group_duration{group:::outer::inner}"},
		{`checks{myTag:"x y"}`, "checks", map[string]string{"myTag": "x y"}, "checks{myTag:x y}"},
		{"http_req_duration{url:http://127.0.0.1:8080/a}", "http_req_duration",
			map[string]string{"url": "http://127.0.0.1:8080/a"}, "http_req_duration{url:http://127.0.0.1:8080/a}"},
	}
	for _, tc := range tests {
		t.Run(tc.key, func(t *testing.T) {
			t.Parallel()
			m, f, err := ParseKey(tc.key)
			require.NoError(t, err)
			assert.Equal(t, tc.metric, m)
			if tc.tags == nil {
				assert.Nil(t, f)
			} else {
				assert.Equal(t, tc.tags, f.Map())
			}
			assert.Equal(t, tc.name, SubMetricName(m, f))
		})
	}
}

func TestParseKeyErrors(t *testing.T) {
	t.Parallel()
	for _, key := range []string{
		"", "  ", "a{", "a}", "a}b{", "a{b:c}d", "{b:c}", "a{}", "a{b}", "a{b:}", "a{:c}",
		"a{b:c,}", "a{b:c,,d:e}",
	} {
		t.Run(key, func(t *testing.T) {
			t.Parallel()
			_, _, err := ParseKey(key)
			require.ErrorIs(t, err, ErrSyntax)
		})
	}
}
