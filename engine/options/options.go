package options

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Options is the k6 `options` object (the subset nnjs understands), as exported by a script
// and overridden by CLI flags. Pointer and nil fields mean "not set", so layers can be merged.
type Options struct {
	VUs        *int64    `json:"vus,omitempty"`
	Duration   *Duration `json:"duration,omitempty"`
	Iterations *int64    `json:"iterations,omitempty"`
	Stages     []Stage   `json:"stages,omitempty"`
	// Scenarios maps a scenario name to its raw executor config; engine/executor decodes it.
	Scenarios map[string]json.RawMessage `json:"scenarios,omitempty"`

	Thresholds map[string]Thresholds `json:"thresholds,omitempty"`

	SetupTimeout    *Duration `json:"setupTimeout,omitempty"`
	TeardownTimeout *Duration `json:"teardownTimeout,omitempty"`
	// NoSetup and NoTeardown skip setup() and teardown() (k6's noSetup, noTeardown).
	NoSetup    *bool `json:"noSetup,omitempty"`
	NoTeardown *bool `json:"noTeardown,omitempty"`

	SummaryTrendStats []string `json:"summaryTrendStats,omitempty"`
	SummaryTimeUnit   string   `json:"summaryTimeUnit,omitempty"`

	// Tags are added to every sample of the run.
	Tags map[string]string `json:"tags,omitempty"`

	// HTTP client options.
	UserAgent             *string      `json:"userAgent,omitempty"`
	MaxRedirects          *int64       `json:"maxRedirects,omitempty"`
	Batch                 *int64       `json:"batch,omitempty"`
	BatchPerHost          *int64       `json:"batchPerHost,omitempty"`
	DiscardResponseBodies *bool        `json:"discardResponseBodies,omitempty"`
	InsecureSkipTLSVerify *bool        `json:"insecureSkipTLSVerify,omitempty"`
	NoConnectionReuse     *bool        `json:"noConnectionReuse,omitempty"`
	NoVUConnectionReuse   *bool        `json:"noVUConnectionReuse,omitempty"`
	NoCookiesReset        *bool        `json:"noCookiesReset,omitempty"`
	Throw                 *bool        `json:"throw,omitempty"`
	HTTPTimeout           *Duration    `json:"httpTimeout,omitempty"` // nnjs: default per-request timeout
	Hosts                 Hosts        `json:"hosts,omitempty"`
	TLSVersion            *TLSVersions `json:"tlsVersion,omitempty"`
	TLSCipherSuites       CipherSuites `json:"tlsCipherSuites,omitempty"`
	TLSAuth               TLSAuths     `json:"tlsAuth,omitempty"`

	// ExecutionSegment and ExecutionSegmentSequence split the run across processes (k6 syntax).
	ExecutionSegment         string `json:"executionSegment,omitempty"`
	ExecutionSegmentSequence string `json:"executionSegmentSequence,omitempty"`

	// Extra keeps options nnjs does not interpret (ext, cloud, DB settings of later features),
	// so `nnjs inspect` can show them and later features can read them.
	Extra map[string]json.RawMessage `json:"-"`
}

// Stage is one step of a ramping executor: reach Target over Duration.
type Stage struct {
	Duration Duration `json:"duration"`
	Target   int64    `json:"target"`
}

// Threshold is one threshold expression with its k6 long-form settings.
type Threshold struct {
	Source         string   `json:"threshold"`
	AbortOnFail    bool     `json:"abortOnFail,omitempty"`
	DelayAbortEval Duration `json:"delayAbortEval,omitempty"`
}

// UnmarshalJSON accepts "p(95)<500" or {"threshold": ..., "abortOnFail": ..., "delayAbortEval": ...}.
func (t *Threshold) UnmarshalJSON(b []byte) error {
	if len(b) > 0 && b[0] == '"' {
		return json.Unmarshal(b, &t.Source)
	}
	type plain Threshold
	var p plain
	if err := json.Unmarshal(b, &p); err != nil {
		return err
	}
	*t = Threshold(p)
	return nil
}

// Thresholds is the list under one metric key; a single string is accepted too.
type Thresholds []Threshold

// UnmarshalJSON accepts a single threshold or an array of them.
func (ts *Thresholds) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	if len(b) > 0 && b[0] != '[' {
		var t Threshold
		if err := json.Unmarshal(b, &t); err != nil {
			return err
		}
		*ts = Thresholds{t}
		return nil
	}
	var list []Threshold
	if err := json.Unmarshal(b, &list); err != nil {
		return err
	}
	*ts = list
	return nil
}

// Duration is a time.Duration that reads k6 durations: "1m30s", "500ms", "1.5s", or a number of
// milliseconds. It marshals as a Go duration string.
type Duration time.Duration

// ErrDuration is wrapped by every duration parse error.
var ErrDuration = errors.New("invalid duration")

// ParseDuration parses a k6 duration string; a bare number means milliseconds.
func ParseDuration(s string) (Duration, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return 0, fmt.Errorf("%w: empty", ErrDuration)
	}
	if f, err := strconv.ParseFloat(s, 64); err == nil {
		if f < 0 {
			return 0, fmt.Errorf("%w: %q is negative", ErrDuration, s)
		}
		return Duration(f * float64(time.Millisecond)), nil
	}
	d, err := time.ParseDuration(s)
	if err != nil {
		return 0, fmt.Errorf("%w: %q (use e.g. 30s, 1m30s, 500ms)", ErrDuration, s)
	}
	if d < 0 {
		return 0, fmt.Errorf("%w: %q is negative", ErrDuration, s)
	}
	return Duration(d), nil
}

// UnmarshalJSON accepts a string or a number of milliseconds.
func (d *Duration) UnmarshalJSON(b []byte) error {
	if len(b) > 0 && b[0] == '"' {
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		v, err := ParseDuration(s)
		if err != nil {
			return err
		}
		*d = v
		return nil
	}
	var ms float64
	if err := json.Unmarshal(b, &ms); err != nil {
		return fmt.Errorf("%w: %s", ErrDuration, b)
	}
	if ms < 0 {
		return fmt.Errorf("%w: %s is negative", ErrDuration, b)
	}
	*d = Duration(ms * float64(time.Millisecond))
	return nil
}

// MarshalJSON writes the duration as a Go duration string ("1m30s").
func (d Duration) MarshalJSON() ([]byte, error) {
	return json.Marshal(time.Duration(d).String())
}

// String returns the Go duration string.
func (d Duration) String() string { return time.Duration(d).String() }

// D returns the time.Duration.
func (d Duration) D() time.Duration { return time.Duration(d) }
