package main

import (
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/pflag"

	"github.com/nnprotect/nnjs/engine/metrics"
	"github.com/nnprotect/nnjs/engine/options"
	"github.com/nnprotect/nnjs/internal/summary"
)

const runHelp = `Usage: nnjs run [flags] SCRIPT
       nnjs run [flags] SCRIPT|DIR... | --suite FILE

Run a load test script (JavaScript or TypeScript, k6 script model). SCRIPT "-" reads the
script from stdin (imports resolve from the current directory); SCRIPT.tar is an archive
written by 'nnjs archive' (run offline, its options under the flags).

  nnjs run script.js                        # as the script's options say
  nnjs run -u 50 -d 30s script.js            # 50 VUs for 30 seconds (constant-vus)
  nnjs run -i 100 -u 10 script.js            # 100 iterations shared by 10 VUs
  nnjs run -s 30s:20 -s 1m:20 -s 10s:0 s.js  # ramp to 20 VUs, hold, ramp down
  nnjs run -e TARGET=http://127.0.0.1:8080 --summary-export out.json script.js
  nnjs run - < script.js
  nnjs run --junit junit.xml a.js b.js scenarios/  # a suite: one script after another
  nnjs run --suite suite.json --fail-fast

Several scripts, a directory (its *.js and *.ts files in name order) or --suite FILE run
as a suite: each script's summary, then a table of them all. Flags on the command line
apply to every script; a suite file's entries layer their own env and flags on top:
  [{"name": "smoke", "script": "smoke.js", "env": {"TARGET": "http://127.0.0.1:8080"},
    "flags": ["-u", "5", "-d", "10s"]}]
In a suite, each output file named on the command line (--summary-export, --report,
--out) gets the script's name before its extension (out.json: out-smoke.json); --report's
own path is an index of the scripts' reports. The suite exits 0 when every script did,
105 when a signal stopped it, else with the first failing script's code.

Flags override the script's options (as in k6): -u/-d/-i/-s replace the script's
scenarios. The process environment, --env-file and -e are visible in __ENV (-e wins).
Output paths are checked before the load; the results are written right after it, before
the integrity checks, which have a deadline (--post-load-timeout) and obey Ctrl-C.

Exit codes: 0 ok, 99 thresholds crossed, 100 setup timeout, 101 teardown timeout,
104 invalid options or output paths, 105 stopped by a signal, 107 script error,
108 test.abort(), 110 a critical integrity check failed (--integrity) or test.fail(), 111 database
unreachable or not staging. When several parts fail, the code is the first of:
111, 110, the run's own stop (107/100/101/108/105), 99, 104 (a result not written after
the run); the summary's verdict names the codes it hides.

Flags:
`

// runFlags are the parsed flags of `nnjs run`.
type runFlags struct {
	vus           int64
	duration      string
	iterations    int64
	stages        []string
	env           []string
	envFile       string
	summaryExport string
	noSummary     bool
	trendStats    string
	quiet         bool
	noColor       bool
	noSetup       bool
	noTeardown    bool
	tags          []string
	out           []string
	db            dbFlagsRun
	scenarios     []string
	segment       string
	segmentSeq    string
	// postLoadTimeout bounds each phase after the load (integrity checks, handleSummary).
	postLoadTimeout time.Duration
	maxSeries       int
	outs            outputs       // parsed out
	report          string        // --report FILE.html
	dashboard       string        // --dashboard ADDR
	dashboardHold   time.Duration // --dashboard-hold
	prometheus      string        // --prometheus ADDR
	prometheusHold  time.Duration // --prometheus-hold
	suite           string        // --suite FILE
	failFast        bool          // --fail-fast
	junit           string        // --junit FILE
	remote          remoteFlags
}

func newRunFlags(a *app) (*pflag.FlagSet, *runFlags) {
	f := &runFlags{}
	fs := pflag.NewFlagSet("run", pflag.ContinueOnError)
	fs.SetOutput(a.stderr)
	fs.SortFlags = false
	fs.Int64VarP(&f.vus, "vus", "u", 0, "number of VUs to run concurrently")
	fs.StringVarP(&f.duration, "duration", "d", "", "test duration (e.g. 30s, 1m30s); with -u: constant-vus")
	fs.Int64VarP(&f.iterations, "iterations", "i", 0, "total iterations shared by the VUs (shared-iterations)")
	fs.StringArrayVarP(&f.stages, "stage", "s", nil, "ramping stage DURATION:TARGET, repeatable (ramping-vus)")
	fs.StringArrayVarP(&f.env, "env", "e", nil, "set KEY=VALUE in __ENV, repeatable")
	fs.StringVar(&f.envFile, "env-file", "", "read KEY=VALUE lines (dotenv) into __ENV")
	fs.StringArrayVar(&f.tags, "tag", nil, "add a tag KEY=VALUE to every sample, repeatable")
	fs.StringSliceVar(&f.scenarios, "scenario", nil, "run only these scenarios (repeatable, or a,b)")
	fs.StringVar(&f.segment, "execution-segment", "", "run this part of every scenario, e.g. 1/3:2/3 (k6 execution segments)")
	fs.StringVar(&f.segmentSeq, "execution-segment-sequence", "", "all the segments of the test, e.g. 0,1/3,2/3,1")
	fs.StringArrayVarP(&f.out, "out", "o", nil, "also write results: result=FILE (exact aggregates for 'nnjs merge'), json=FILE or csv=FILE (every sample, k6's formats; .gz compresses), repeatable")
	fs.StringVar(&f.db.monitorURL, "db-monitor", "", "sample this PostgreSQL database during the run (db_* metrics, lock waits, deadlocks)")
	fs.StringVar(&f.db.integrityURL, "integrity", "", "take an integrity baseline before the load and run the integrity checks after it on this staging database")
	fs.StringVar(&f.report, "report", "", "write the run's HTML report (one self-contained file, opens offline) to FILE.html")
	fs.StringVar(&f.dashboard, "dashboard", "", "serve the report live on ADDR during the run (--dashboard alone: "+defaultDashboard+"; --dashboard=HOST:PORT elsewhere)")
	fs.Lookup("dashboard").NoOptDefVal = defaultDashboard
	fs.DurationVar(&f.dashboardHold, "dashboard-hold", 0, "keep serving the final report on the dashboard this long after the run (e.g. 10m; Ctrl-C stops it)")
	fs.StringVar(&f.suite, "suite", "", "run the scripts of this suite file (JSON list of {name, script, env, flags}) one after another")
	fs.BoolVar(&f.failFast, "fail-fast", false, "in a suite, stop at the first script that does not exit 0")
	fs.StringVar(&f.junit, "junit", "", "write a JUnit XML report (a testsuite per script, a testcase per threshold and integrity check) to FILE")
	fs.StringVar(&f.prometheus, "prometheus", "", "serve the run's metrics to Prometheus on ADDR/metrics during the run (e.g. 127.0.0.1:9464)")
	fs.DurationVar(&f.prometheusHold, "prometheus-hold", defaultPrometheusHold, "with --prometheus: keep serving the final values this long after the run (Ctrl-C stops it)")
	f.remote.add(fs)
	fs.StringVar(&f.summaryExport, "summary-export", "", "write the end-of-test summary as JSON (k6 summary-export format) to FILE")
	fs.BoolVar(&f.noSummary, "no-summary", false, "do not print the end-of-test summary nor call handleSummary (--summary-export and --out are still written)")
	fs.StringVar(&f.trendStats, "summary-trend-stats", "", "trend stats in the summary (default avg,min,med,max,p(90),p(95))")
	fs.BoolVarP(&f.quiet, "quiet", "q", false, "no progress output")
	fs.BoolVar(&f.noColor, "no-color", false, "no ANSI colours in the output")
	fs.BoolVar(&f.noSetup, "no-setup", false, "do not run setup()")
	fs.BoolVar(&f.noTeardown, "no-teardown", false, "do not run teardown()")
	fs.IntVar(&f.maxSeries, "max-series", metrics.DefaultMaxSeries,
		"most distinct time series (metric x tag set) kept in memory; beyond it new tag sets are recorded without their tags")
	fs.DurationVar(&f.postLoadTimeout, "post-load-timeout", defaultPostLoadTimeout,
		"deadline of each phase after the load (integrity checks, handleSummary); the results are written either way")
	return fs, f
}

// checkOutputPaths makes sure every file the run will write can be written, before the load.
func (f *runFlags) checkOutputPaths() error {
	if f.maxSeries <= 0 {
		return fmt.Errorf("--max-series: %d must be positive", f.maxSeries)
	}
	if f.prometheusHold < 0 {
		return fmt.Errorf("--prometheus-hold: %s is negative", f.prometheusHold)
	}
	if f.postLoadTimeout <= 0 {
		return fmt.Errorf("--post-load-timeout: %s must be positive", f.postLoadTimeout)
	}
	paths := f.outputPaths()
	for _, flag := range slices.Sorted(maps.Keys(paths)) {
		if err := checkWritable(flag, paths[flag]); err != nil {
			return err
		}
	}
	return nil
}

// outputPaths returns the files the run writes by flag ("--summary-export ": path).
func (f *runFlags) outputPaths() map[string]string {
	paths := f.outs.paths()
	if f.summaryExport != "" {
		paths["--summary-export "] = f.summaryExport
	}
	if f.report != "" {
		paths["--report "] = f.report
	}
	return paths
}

// options turns the flags the user set into an options layer that goes over the script's.
func (f *runFlags) options(fs *pflag.FlagSet) (options.Options, error) {
	var o options.Options
	if fs.Changed("vus") {
		if f.vus < 0 {
			return o, fmt.Errorf("--vus: %d is negative", f.vus)
		}
		o.VUs = &f.vus
	}
	if fs.Changed("duration") {
		d, err := options.ParseDuration(f.duration)
		if err != nil {
			return o, fmt.Errorf("--duration: %w", err)
		}
		o.Duration = &d
	}
	if fs.Changed("iterations") {
		if f.iterations < 0 {
			return o, fmt.Errorf("--iterations: %d is negative", f.iterations)
		}
		o.Iterations = &f.iterations
	}
	for _, s := range f.stages {
		st, err := parseStage(s)
		if err != nil {
			return o, err
		}
		o.Stages = append(o.Stages, st)
	}
	if fs.Changed("summary-trend-stats") {
		o.SummaryTrendStats = splitList(f.trendStats)
		if err := summary.ValidateTrendStats(o.SummaryTrendStats); err != nil {
			return o, fmt.Errorf("--summary-trend-stats: %w", err)
		}
	}
	if fs.Changed("no-setup") {
		o.NoSetup = &f.noSetup
	}
	if fs.Changed("no-teardown") {
		o.NoTeardown = &f.noTeardown
	}
	if fs.Changed("execution-segment") {
		o.ExecutionSegment = f.segment
	}
	if fs.Changed("execution-segment-sequence") {
		o.ExecutionSegmentSequence = f.segmentSeq
	}
	if len(f.tags) > 0 {
		tags, err := parsePairs("--tag", f.tags)
		if err != nil {
			return o, err
		}
		o.Tags = tags
	}
	return o, nil
}

// parseStage parses a -s/--stage value "DURATION:TARGET" (e.g. 30s:100).
func parseStage(s string) (options.Stage, error) {
	dur, target, ok := strings.Cut(s, ":")
	if !ok {
		return options.Stage{}, fmt.Errorf("--stage %q: want DURATION:TARGET, e.g. 30s:100", s)
	}
	d, err := options.ParseDuration(dur)
	if err != nil {
		return options.Stage{}, fmt.Errorf("--stage %q: %w", s, err)
	}
	n, err := strconv.ParseInt(strings.TrimSpace(target), 10, 64)
	if err != nil || n < 0 {
		return options.Stage{}, fmt.Errorf("--stage %q: target %q is not a whole number >= 0", s, target)
	}
	return options.Stage{Duration: d, Target: n}, nil
}

// parsePairs parses repeated KEY=VALUE flag values.
func parsePairs(flag string, vals []string) (map[string]string, error) {
	out := make(map[string]string, len(vals))
	for _, kv := range vals {
		k, v, ok := strings.Cut(kv, "=")
		if !ok || k == "" {
			return nil, fmt.Errorf("%s %q: want KEY=VALUE", flag, kv)
		}
		out[k] = v
	}
	return out, nil
}

func splitList(s string) []string {
	var out []string
	for _, p := range strings.Split(s, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}
