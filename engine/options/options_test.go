package options

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestParseDuration(t *testing.T) {
	t.Parallel()
	cases := []struct {
		in   string
		want time.Duration
		err  bool
	}{
		{"30s", 30 * time.Second, false},
		{"1m30s", 90 * time.Second, false},
		{"500ms", 500 * time.Millisecond, false},
		{"1.5s", 1500 * time.Millisecond, false},
		{"250", 250 * time.Millisecond, false},
		{"", 0, true},
		{"-1s", 0, true},
		{"-5", 0, true},
		{"ten seconds", 0, true},
	}
	for _, tc := range cases {
		t.Run(tc.in, func(t *testing.T) {
			d, err := ParseDuration(tc.in)
			if tc.err {
				require.ErrorIs(t, err, ErrDuration)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tc.want, d.D())
		})
	}
}

func TestParseOptions(t *testing.T) {
	t.Parallel()
	o, err := Parse([]byte(`{
		"vus": 10, "duration": "30s", "stages": [{"duration": 1000, "target": 5}],
		"thresholds": {"http_req_duration": "p(95)<500", "checks": ["rate>0.9", {"threshold": "rate>0.5", "abortOnFail": true, "delayAbortEval": "10s"}]},
		"scenarios": {"a": {"executor": "constant-vus"}},
		"tags": {"team": "qa"}, "db": {"url": "postgres://x"}
	}`))
	require.NoError(t, err)
	assert.Equal(t, int64(10), *o.VUs)
	assert.Equal(t, 30*time.Second, o.Duration.D())
	assert.Equal(t, []Stage{{Duration: Duration(time.Second), Target: 5}}, o.Stages)
	assert.Equal(t, Thresholds{{Source: "p(95)<500"}}, o.Thresholds["http_req_duration"])
	assert.Equal(t, Thresholds{{Source: "rate>0.9"}, {Source: "rate>0.5", AbortOnFail: true, DelayAbortEval: Duration(10 * time.Second)}}, o.Thresholds["checks"])
	assert.Contains(t, o.Scenarios, "a")
	assert.JSONEq(t, `{"url": "postgres://x"}`, string(o.Extra["db"]))

	b, err := json.Marshal(o)
	require.NoError(t, err)
	assert.Contains(t, string(b), `"db":{"url":"postgres://x"}`)
	assert.Contains(t, string(b), `"duration":"30s"`)
}

func TestParseOptionsNamesTheBadOption(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		`{"vus": "many"}`:          "options.vus",
		`{"duration": "forever"}`:  "options.duration",
		`{"thresholds": {"x": 5}}`: "options.thresholds",
		`[1,2]`:                    "options",
	} {
		_, err := Parse([]byte(in))
		require.Error(t, err, in)
		assert.Contains(t, err.Error(), want, in)
	}
	o, err := Parse([]byte("null"))
	require.NoError(t, err)
	assert.Nil(t, o.VUs)
}

func TestApplyReplacesExecutionAsABlock(t *testing.T) {
	t.Parallel()
	ten, five := int64(10), int64(5)
	d30, d5 := Duration(30*time.Second), Duration(5*time.Second)
	script := Options{VUs: &ten, Duration: &d30, Scenarios: map[string]json.RawMessage{"s": nil}, Tags: map[string]string{"a": "1"}}

	got := script.Apply(Options{Duration: &d5})
	assert.Equal(t, &ten, got.VUs, "vus survives a CLI duration, as in k6")
	assert.Equal(t, &d5, got.Duration)
	assert.Nil(t, got.Scenarios, "CLI execution options replace the script's scenarios")
	assert.Equal(t, map[string]string{"a": "1"}, got.Tags)

	got = script.Apply(Options{VUs: &five})
	assert.Equal(t, &five, got.VUs)
	assert.Equal(t, &d30, got.Duration, "vus alone does not reset execution")
	assert.Contains(t, got.Scenarios, "s")
}

func FuzzParse(f *testing.F) {
	f.Add([]byte(`{"vus": 1, "duration": "1s", "thresholds": {"a": ["p(95)<1"]}}`))
	f.Add([]byte(`{"stages": [{"duration": "1m", "target": 3}], "setupTimeout": 5}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		o, err := Parse(data)
		if err != nil {
			return
		}
		if _, err := json.Marshal(o); err != nil {
			t.Fatalf("parsed options do not marshal: %v", err)
		}
	})
}

func TestParseHosts(t *testing.T) {
	t.Parallel()
	o, err := Parse([]byte(`{"hosts": {"API.test": "10.0.0.1", "*.x.test:8443": "10.0.0.2:443", "v6.test": "::1"}}`))
	require.NoError(t, err)
	assert.Equal(t, Hosts{"api.test": "10.0.0.1", "*.x.test:8443": "10.0.0.2:443", "v6.test": "::1"}, o.Hosts)
	for _, bad := range []string{`{"hosts": {"a b": "10.0.0.1"}}`, `{"hosts": {"a.test": "name.test"}}`,
		`{"hosts": {"a.test": "10.0.0.1:99999"}}`, `{"hosts": ["a"]}`} {
		_, err := Parse([]byte(bad))
		assert.ErrorContains(t, err, "options.hosts: ", bad)
	}
}

func TestParseTLSOptions(t *testing.T) {
	t.Parallel()
	o, err := Parse([]byte(`{"tlsVersion": "tls1.2", "tlsCipherSuites": ["TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256"]}`))
	require.NoError(t, err)
	assert.Equal(t, &TLSVersions{Min: 0x0303, Max: 0x0303}, o.TLSVersion)
	assert.Equal(t, []uint16{0xc02f}, o.TLSCipherSuites.IDs())
	o, err = Parse([]byte(`{"tlsVersion": {"min": "tls1.2"}}`))
	require.NoError(t, err)
	assert.Equal(t, &TLSVersions{Min: 0x0303}, o.TLSVersion)
	for bad, msg := range map[string]string{
		`{"tlsVersion": "ssl3.0"}`:                                  "options.tlsVersion: unknown TLS version",
		`{"tlsVersion": {"min": "tls1.3", "max": "tls1.2"}}`:        "options.tlsVersion: min tls1.3 is above max",
		`{"tlsCipherSuites": ["TLS_NOPE"]}`:                         `options.tlsCipherSuites: unknown cipher suite "TLS_NOPE"`,
		`{"tlsAuth": [{"cert": "x", "key": "y"}]}`:                  "options.tlsAuth: [0]: tls: failed to find any PEM data",
		`{"tlsAuth": [{"cert": "x", "key": "y", "password": "p"}]}`: "options.tlsAuth: [0]: encrypted keys",
	} {
		_, err := Parse([]byte(bad))
		assert.ErrorContains(t, err, msg, bad)
	}
}
