package main

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/spf13/pflag"

	"github.com/nnprotect/nnjs/engine/options"
	"github.com/nnprotect/nnjs/internal/summary"
)

// envOption is one option k6 reads from a K6_ environment variable; nnjs reads the same
// variable and its NNJS_ twin (K6_VUS and NNJS_VUS), the NNJS_ one winning.
type envOption struct {
	name string // without the prefix: "VUS" for K6_VUS and NNJS_VUS
	set  func(o *options.Options, v string) error
}

// envOptions are k6's environment options that nnjs implements, with k6's value syntax:
// durations as in the script, stages "30s:10,1m:20", lists "a,b", tags "k:v,k2:v2",
// booleans as Go's strconv.ParseBool.
var envOptions = []envOption{
	{"VUS", func(o *options.Options, v string) error { return envInt(&o.VUs, v) }},
	{"DURATION", func(o *options.Options, v string) error { return envDuration(&o.Duration, v) }},
	{"ITERATIONS", func(o *options.Options, v string) error { return envInt(&o.Iterations, v) }},
	{"STAGES", envStages},
	{"SETUP_TIMEOUT", func(o *options.Options, v string) error { return envDuration(&o.SetupTimeout, v) }},
	{"TEARDOWN_TIMEOUT", func(o *options.Options, v string) error { return envDuration(&o.TeardownTimeout, v) }},
	{"NO_SETUP", func(o *options.Options, v string) error { return envBool(&o.NoSetup, v) }},
	{"NO_TEARDOWN", func(o *options.Options, v string) error { return envBool(&o.NoTeardown, v) }},
	{"SUMMARY_TREND_STATS", func(o *options.Options, v string) error {
		o.SummaryTrendStats = splitList(v)
		return summary.ValidateTrendStats(o.SummaryTrendStats)
	}},
	{"SUMMARY_TIME_UNIT", func(o *options.Options, v string) error { o.SummaryTimeUnit = v; return nil }},
	{"TAGS", envTags},
	{"USER_AGENT", func(o *options.Options, v string) error { o.UserAgent = &v; return nil }},
	{"MAX_REDIRECTS", func(o *options.Options, v string) error { return envInt(&o.MaxRedirects, v) }},
	{"BATCH", func(o *options.Options, v string) error { return envInt(&o.Batch, v) }},
	{"BATCH_PER_HOST", func(o *options.Options, v string) error { return envInt(&o.BatchPerHost, v) }},
	{"DISCARD_RESPONSE_BODIES", func(o *options.Options, v string) error { return envBool(&o.DiscardResponseBodies, v) }},
	{"INSECURE_SKIP_TLS_VERIFY", func(o *options.Options, v string) error { return envBool(&o.InsecureSkipTLSVerify, v) }},
	{"NO_CONNECTION_REUSE", func(o *options.Options, v string) error { return envBool(&o.NoConnectionReuse, v) }},
	{"NO_VU_CONNECTION_REUSE", func(o *options.Options, v string) error { return envBool(&o.NoVUConnectionReuse, v) }},
	{"NO_COOKIES_RESET", func(o *options.Options, v string) error { return envBool(&o.NoCookiesReset, v) }},
	{"THROW", func(o *options.Options, v string) error { return envBool(&o.Throw, v) }},
}

// envLayer returns the options set by K6_* and NNJS_* environment variables: the layer k6
// puts between the script's options and the CLI flags. Errors name the variable.
func envLayer(lookup func(string) (string, bool)) (options.Options, error) {
	var o options.Options
	for _, e := range envOptions {
		key, v, ok := lookupTwin(lookup, e.name)
		if !ok {
			continue
		}
		if err := e.set(&o, v); err != nil {
			return options.Options{}, fmt.Errorf("environment variable %s=%q: %w", key, v, err)
		}
	}
	return o, nil
}

// applyEnv sets the run flags k6 also reads from the environment, where the flag was not given:
// K6_SUMMARY_EXPORT, K6_OUT (comma-separated, as k6) and their NNJS_ twins, and K6_NO_COLOR
// (not empty) or NO_COLOR (set, even empty: no-color.org) for --no-color.
func (f *runFlags) applyEnv(fs *pflag.FlagSet, lookup func(string) (string, bool)) {
	if _, v, ok := lookupTwin(lookup, "SUMMARY_EXPORT"); ok && !fs.Changed("summary-export") {
		f.summaryExport = v
	}
	if _, v, ok := lookupTwin(lookup, "OUT"); ok && !fs.Changed("out") {
		f.out = splitList(v)
	}
	_, v, _ := lookupTwin(lookup, "NO_COLOR")
	_, noColor := lookup("NO_COLOR")
	if v != "" || noColor {
		f.noColor = true
	}
}

// lookupTwin looks up NNJS_name, then K6_name, and says which variable it found.
func lookupTwin(lookup func(string) (string, bool), name string) (key, value string, ok bool) {
	for _, prefix := range []string{"NNJS_", "K6_"} {
		if v, found := lookup(prefix + name); found {
			return prefix + name, v, true
		}
	}
	return "", "", false
}

func envInt(dst **int64, v string) error {
	n, err := strconv.ParseInt(strings.TrimSpace(v), 10, 64)
	if err != nil || n < 0 {
		return fmt.Errorf("not a whole number >= 0")
	}
	*dst = &n
	return nil
}

func envBool(dst **bool, v string) error {
	b, err := strconv.ParseBool(strings.TrimSpace(v))
	if err != nil {
		return fmt.Errorf("not a boolean (true, false, 1, 0)")
	}
	*dst = &b
	return nil
}

func envDuration(dst **options.Duration, v string) error {
	d, err := options.ParseDuration(v)
	if err != nil {
		return err
	}
	*dst = &d
	return nil
}

// envStages reads k6's "DURATION:TARGET,DURATION:TARGET" stages.
func envStages(o *options.Options, v string) error {
	for _, s := range splitList(v) {
		st, err := parseStage(s)
		if err != nil {
			return err
		}
		o.Stages = append(o.Stages, st)
	}
	if o.Stages == nil {
		return fmt.Errorf("no stages")
	}
	return nil
}

// envTags reads k6's "key:value,key2:value2" tags.
func envTags(o *options.Options, v string) error {
	o.Tags = map[string]string{}
	for _, kv := range splitList(v) {
		k, val, ok := strings.Cut(kv, ":")
		if !ok || k == "" {
			return fmt.Errorf("%q: want key:value", kv)
		}
		o.Tags[k] = val
	}
	return nil
}
