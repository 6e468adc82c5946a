package main

import (
	"fmt"
	"os"
	"reflect"
	"strings"

	"github.com/spf13/pflag"

	"github.com/nnprotect/nnjs/engine/metrics"
	"github.com/nnprotect/nnjs/engine/options"
	"github.com/nnprotect/nnjs/engine/threshold"
	"github.com/nnprotect/nnjs/internal/report"
	"github.com/nnprotect/nnjs/internal/summary"
)

const mergeHelp = `Usage: nnjs merge [flags] RESULT...

Combine the result files of several nnjs processes (for example the N execution segments of
one test, each run with -o result=FILE) into one summary. Counters add up exactly and
trend percentiles are the true percentiles of all samples (within HDR precision), because
each file carries the full histograms. The thresholds of the first file are evaluated on the
merged data: the exit code is 99 when one is crossed, as for 'nnjs run'.

  nnjs merge seg-0.result seg-1.result seg-2.result --summary-export total.json -o total.result

Flags:
`

func (a *app) mergeCmd(args []string) int {
	fs := pflag.NewFlagSet("merge", pflag.ContinueOnError)
	fs.SetOutput(a.stderr)
	var export, out string
	var noColor bool
	fs.StringVar(&export, "summary-export", "", "write the merged summary as JSON (k6 summary-export format) to FILE")
	fs.StringVarP(&out, "out", "o", "", "also write the merged result to FILE (mergeable again); result=FILE as in 'nnjs run' works too")
	fs.BoolVar(&noColor, "no-color", false, "no ANSI colours in the output")
	fs.Usage = func() { fmt.Fprint(a.stdout, mergeHelp, fs.FlagUsages()) }
	if err := fs.Parse(args); err != nil {
		if err == pflag.ErrHelp {
			return exitOK
		}
		return a.fail("merge", exitErr(exitInvalidConfig, err))
	}
	if fs.NArg() == 0 {
		return a.fail("merge", exitErr(exitInvalidConfig, fmt.Errorf("want one or more RESULT files (see 'nnjs merge --help')")))
	}
	out = strings.TrimPrefix(out, "result=")
	reg := metrics.NewRegistry()
	files, merged, err := mergeResults(reg, fs.Args(), a)
	if err != nil {
		return a.fail("merge", exitErr(exitInvalidConfig, err))
	}
	first := files[0]
	opts := options.Options{Thresholds: first.Thresholds, SummaryTrendStats: first.SummaryTrendStats, SummaryTimeUnit: first.SummaryTimeUnit}
	ths, err := threshold.New(reg, opts.Thresholds)
	if err != nil {
		return a.fail("merge", exitErr(exitInvalidConfig, err))
	}
	res := ths.Evaluate(merged)
	rep, err := summary.Data(summary.Input{Snapshot: merged, Results: res, Options: opts, NoColor: noColor, IsStdOutTTY: a.stdoutTTY})
	if err != nil {
		return a.fail("merge", err)
	}
	if export != "" {
		b, err := summary.Export(rep)
		if err == nil {
			err = os.WriteFile(export, b, 0o644)
		}
		if err != nil {
			return a.fail("merge", exitErr(exitInvalidConfig, fmt.Errorf("--summary-export: %w", err)))
		}
	}
	if out != "" {
		if err := writeResult(out, first.Script, opts, merged, resultExtras{Timeline: mergedTimeline(files)}); err != nil {
			return a.fail("merge", exitErr(exitInvalidConfig, err))
		}
	}
	if err := summary.WriteText(a.stdout, rep, summary.TextOptions{NoColor: noColor || !a.stdoutTTY}); err != nil {
		return a.fail("merge", err)
	}
	if res.Failed() {
		return exitThresholds
	}
	return exitOK
}

// mergeResults decodes every file into reg and merges their snapshots; it returns the files
// in the order given.
func mergeResults(reg *metrics.Registry, paths []string, a *app) ([]resultFile, *metrics.Snapshot, error) {
	var files []resultFile
	var merged *metrics.Snapshot
	for i, p := range paths {
		rf, snap, err := readResult(p, reg)
		if err != nil {
			return nil, nil, err
		}
		files = append(files, rf)
		if i == 0 {
			merged = snap
			continue
		}
		if !reflect.DeepEqual(rf.Thresholds, files[0].Thresholds) {
			fmt.Fprintf(a.stderr, "nnjs: warning: %s has other thresholds than %s; using those of %s\n", p, paths[0], paths[0])
		}
		merged.Merge(snap)
	}
	return files, merged, nil
}

// mergedTimeline merges the files' time series (nil when none has one).
func mergedTimeline(files []resultFile) *report.Timeline {
	tls := make([]*report.Timeline, len(files))
	for i, f := range files {
		tls[i] = f.Timeline
	}
	return report.MergeTimelines(tls...)
}
