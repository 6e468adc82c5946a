package runrecord

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestMaskArgs(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		args, out []string
	}{
		{"url flag", []string{"nnjs", "run", "--integrity", "postgres://u:s3cret@h/db", "a.js"},
			[]string{"nnjs", "run", "--integrity", "postgres://u:xxxxx@h/db", "a.js"}},
		{"url flag with =", []string{"--db-monitor=postgres://u:s3cret@h/db?sslmode=disable"},
			[]string{"--db-monitor=postgres://u:xxxxx@h/db?sslmode=disable"}},
		{"env url", []string{"-e", "DB=postgres://u:s3cret@h/db"}, []string{"-e", "DB=postgres://u:xxxxx@h/db"}},
		{"secret env key", []string{"-e", "API_TOKEN=abc123", "--env", "PASSWORD=pw1", "-e", "MODE=legacy"},
			[]string{"-e", "API_TOKEN=xxxxx", "--env", "PASSWORD=xxxxx", "-e", "MODE=legacy"}},
		{"joined env forms", []string{"--env=SECRET=abc", "-eAUTH_HEADER=Bearer x"},
			[]string{"--env=SECRET=xxxxx", "-eAUTH_HEADER=xxxxx"}},
		{"dsn", []string{"--integrity", "host=h password='se cret' dbname=x"},
			[]string{"--integrity", "host=h password=xxxxx dbname=x"}},
		{"nothing secret", []string{"run", "-u", "10", "--tag", "team=pay", "x.js"},
			[]string{"run", "-u", "10", "--tag", "team=pay", "x.js"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			assert.Equal(t, tc.out, MaskArgs(tc.args))
		})
	}
}

func TestMaskOptionsHidesSecretsButNotThresholds(t *testing.T) {
	t.Parallel()
	opts := map[string]any{
		"integrity":  map[string]any{"url": "postgres://u:s3cret@h/db", "count": 40},
		"thresholds": map[string]any{"http_req_duration{name:token}": []string{"p(95)<500"}},
		"scenarios":  map[string]any{"pay": map[string]any{"env": map[string]string{"API_KEY": "k-123", "MODE": "x"}}},
	}
	b, err := maskOptions(opts)
	require.NoError(t, err)
	var got map[string]any
	require.NoError(t, json.Unmarshal(b, &got))
	assert.Equal(t, "postgres://u:xxxxx@h/db", got["integrity"].(map[string]any)["url"])
	assert.Equal(t, []any{"p(95)<500"}, got["thresholds"].(map[string]any)["http_req_duration{name:token}"])
	env := got["scenarios"].(map[string]any)["pay"].(map[string]any)["env"].(map[string]any)
	assert.Equal(t, map[string]any{"API_KEY": "xxxxx", "MODE": "x"}, env)
}

// FuzzMaskArgs: whatever the password, it never survives masking, in a URL or a secret
// variable.
func FuzzMaskArgs(f *testing.F) {
	for _, s := range []string{"s3cret", "p@ss:w/rd", "abc?x=1", "très secret"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, pw string) {
		if len(pw) < 3 || strings.ContainsAny(pw, "@/?#&= '\"\\\t\n:") || strings.Contains("xxxxx", pw) {
			t.Skip()
		}
		args := []string{"nnjs", "run", "--integrity", "postgres://u:" + pw + "@h/db", "-e", "TOKEN=" + pw,
			"-e", "DB=postgresql://u:" + pw + "@h:5432/db?sslmode=disable", "--env=DB_PASSWORD=" + pw}
		for _, a := range MaskArgs(args) {
			if strings.Contains(a, pw) && !strings.Contains("nnjs run --integrity -e --env=", pw) {
				t.Fatalf("password %q survives in %q", pw, a)
			}
		}
	})
}
