package dbmon

import (
	"encoding/json"
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/nnprotect/nnjs/engine/options"
)

func TestParseOptions(t *testing.T) {
	t.Parallel()
	const u = "postgres://app:pw@db/x"
	tests := []struct {
		name   string
		raw    string
		want   Config
		option string // non-empty: an *OptionError naming this option is expected
		is     error  // and errors.Is this
	}{
		{name: "empty", raw: ``, want: Config{}},
		{name: "null", raw: `null`, want: Config{}},
		{name: "url only", raw: `{"url":"` + u + `","pool":{"max":50}}`, want: Config{URL: u}},
		{name: "monitor object", raw: `{"url":"` + u + `","monitor":{"interval":"250ms"}}`,
			want: Config{URL: u, Interval: 250 * time.Millisecond, Enabled: true}},
		{name: "monitor defaults", raw: `{"url":"` + u + `","monitor":{}}`,
			want: Config{URL: u, Interval: time.Second, Enabled: true}},
		{name: "monitor true", raw: `{"url":"` + u + `","monitor":true}`,
			want: Config{URL: u, Interval: time.Second, Enabled: true}},
		{name: "monitor false", raw: `{"url":"` + u + `","monitor":false}`, want: Config{URL: u}},
		{name: "interval in ms", raw: `{"monitor":{"interval":1500}}`,
			want: Config{Interval: 1500 * time.Millisecond, Enabled: true}},
		{name: "tables and own url", raw: `{"url":"a","monitor":{"url":"b","tables":["wallets","public.orders"]}}`,
			want: Config{URL: "b", Interval: time.Second, Tables: []string{"wallets", "public.orders"}, Enabled: true}},
		{name: "bad interval", raw: `{"monitor":{"interval":"soon"}}`, option: "db.monitor.interval", is: options.ErrDuration},
		{name: "negative interval", raw: `{"monitor":{"interval":"-1s"}}`, option: "db.monitor.interval", is: options.ErrDuration},
		{name: "interval too short", raw: `{"monitor":{"interval":"1ms"}}`, option: "db.monitor.interval", is: ErrInterval},
		{name: "interval wrong type", raw: `{"monitor":{"interval":true}}`, option: "db.monitor.interval"},
		{name: "unknown monitor key", raw: `{"monitor":{"intervall":"1s"}}`, option: "db.monitor.intervall"},
		{name: "tables not a list", raw: `{"monitor":{"tables":"wallets"}}`, option: "db.monitor.tables"},
		{name: "empty table", raw: `{"monitor":{"tables":["wallets",""]}}`, option: "db.monitor.tables"},
		{name: "monitor not an object", raw: `{"monitor":"1s"}`, option: "db.monitor"},
		{name: "url not a string", raw: `{"url":5}`, option: "db.url"},
		{name: "db not an object", raw: `"postgres://x"`, option: "db"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got, err := ParseOptions(json.RawMessage(tc.raw))
			if tc.option == "" {
				require.NoError(t, err)
				assert.Equal(t, tc.want, got)
				return
			}
			var oe *OptionError
			require.ErrorAs(t, err, &oe)
			assert.Equal(t, tc.option, oe.Option)
			assert.Contains(t, err.Error(), tc.option)
			if tc.is != nil {
				assert.ErrorIs(t, err, tc.is)
			}
		})
	}
}

func FuzzParseOptions(f *testing.F) {
	for _, s := range []string{
		``, `null`, `{"url":"postgres://x"}`, `{"monitor":true}`, `{"monitor":{"interval":"2s"}}`,
		`{"monitor":{"interval":25,"tables":["a"]}}`, `{"monitor":{"x":1}}`, `[1]`, `{"monitor":{"interval":"1e9h"}}`,
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		cfg, err := ParseOptions(json.RawMessage(raw))
		if err != nil {
			var oe *OptionError
			if !errors.As(err, &oe) {
				t.Fatalf("error %v is not an *OptionError", err)
			}
			return
		}
		if cfg.Enabled && cfg.Interval < MinInterval {
			t.Fatalf("accepted interval %s below the minimum", cfg.Interval)
		}
		if !cfg.Enabled && (cfg.Interval != 0 || cfg.Tables != nil) {
			t.Fatalf("disabled monitor with settings: %+v", cfg)
		}
		for _, tb := range cfg.Tables {
			if tb == "" {
				t.Fatal("accepted an empty table name")
			}
		}
	})
}
