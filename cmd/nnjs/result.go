package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"slices"
	"strings"

	"github.com/nnprotect/nnjs/engine/metrics"
	"github.com/nnprotect/nnjs/engine/options"
	"github.com/nnprotect/nnjs/integrity"
	"github.com/nnprotect/nnjs/internal/dbmon"
	"github.com/nnprotect/nnjs/internal/report"
	"github.com/nnprotect/nnjs/internal/saturation"
	"github.com/nnprotect/nnjs/internal/stream"
)

// resultFormat names the version of the result file layout. Version 2 adds what the HTML
// report needs (time series, run record, exit code and verdict, database monitor and
// integrity reports); version 1 files are still read, without those.
const (
	resultFormat   = "nnjs-result/2"
	resultFormatV1 = "nnjs-result/1"
)

// resultFile is what `--out result=FILE` writes and `nnjs merge` and `nnjs report` read: the
// run's complete aggregates (exact counters and HDR histograms) plus what is needed to judge
// them again and to chart the run.
type resultFile struct {
	Format            string                        `json:"format"`
	Script            string                        `json:"script"`
	ExecutionSegment  string                        `json:"executionSegment,omitempty"`
	Thresholds        map[string]options.Thresholds `json:"thresholds,omitempty"`
	SummaryTrendStats []string                      `json:"summaryTrendStats,omitempty"`
	SummaryTimeUnit   string                        `json:"summaryTimeUnit,omitempty"`
	// Snapshot is metrics.Snapshot.MarshalBinary (base64 in the JSON).
	Snapshot []byte `json:"snapshot"`
	resultExtras
}

// resultExtras are the parts of a version 2 result file beyond the aggregates; all optional.
type resultExtras struct {
	// Run is the run record.
	Run json.RawMessage `json:"run,omitempty"`
	// ExitCode and Verdict are the run's outcome, as its process exited.
	ExitCode *int            `json:"exitCode,omitempty"`
	Verdict  *report.Verdict `json:"verdict,omitempty"`
	// Timeline is the per-second data of the report's charts.
	Timeline  *report.Timeline  `json:"timeline,omitempty"`
	DB        *dbmon.Report     `json:"db,omitempty"`
	Integrity *integrity.Report `json:"integrity,omitempty"`
	// Saturation is whether the load generator itself was saturated during the run.
	Saturation *saturation.Report `json:"saturation,omitempty"`
}

// outputs are the parsed --out flags.
type outputs struct {
	result string        // result=FILE
	stream []stream.File // json=FILE, csv=FILE
}

// outputTypes lists the --out types nnjs knows, for the error message.
const outputTypes = "result=FILE, json=FILE, csv=FILE (gzip when FILE ends in .gz)"

// streamNames names the stream outputs for messages: "--out json=a.json, --out csv=b.csv".
func (o outputs) streamNames() string {
	var names []string
	for _, f := range o.stream {
		names = append(names, fmt.Sprintf("--out %s=%s", f.Format, f.Path))
	}
	return strings.Join(names, ", ")
}

// paths lists the files the outputs write, with the flag that names each.
func (o outputs) paths() map[string]string {
	m := map[string]string{}
	if o.result != "" {
		m["--out result="] = o.result
	}
	for _, f := range o.stream {
		m["--out "+string(f.Format)+"="] = f.Path
	}
	return m
}

func parseOutputs(vals []string) (outputs, error) {
	var o outputs
	for _, v := range vals {
		typ, dest, ok := strings.Cut(v, "=")
		switch {
		case !ok || dest == "":
			return o, fmt.Errorf("--out %q: want TYPE=DESTINATION (allowed: %s)", v, outputTypes)
		case typ == "result":
			o.result = dest
		case typ == string(stream.JSON) || typ == string(stream.CSV):
			if slices.ContainsFunc(o.stream, func(f stream.File) bool { return string(f.Format) == typ }) {
				return o, fmt.Errorf("--out %q: a second %s output (give one %s=FILE)", v, typ, typ)
			}
			o.stream = append(o.stream, stream.File{Format: stream.Format(typ), Path: dest})
		default:
			return o, fmt.Errorf("--out %q: unknown output type %q (allowed: %s)", v, typ, outputTypes)
		}
	}
	return o, nil
}

func writeResult(path, script string, opts options.Options, snap *metrics.Snapshot, extras resultExtras) error {
	b, err := snap.MarshalBinary()
	if err != nil {
		return fmt.Errorf("result %s: %w", path, err)
	}
	js, err := json.Marshal(resultFile{
		Format: resultFormat, Script: script, ExecutionSegment: opts.ExecutionSegment,
		Thresholds: opts.Thresholds, SummaryTrendStats: opts.SummaryTrendStats,
		SummaryTimeUnit: opts.SummaryTimeUnit, Snapshot: b, resultExtras: extras,
	})
	if err != nil {
		return fmt.Errorf("result %s: %w", path, err)
	}
	if err := os.WriteFile(path, js, 0o644); err != nil {
		return fmt.Errorf("result: %w", err)
	}
	return nil
}

// checkWritable makes sure path can be written, before any load: its directory exists and
// the file is (or can be created as) a writable regular file. It leaves no file behind.
func checkWritable(flag, path string) error {
	if st, err := os.Stat(path); err == nil {
		if st.IsDir() {
			return fmt.Errorf("%s%s: is a directory", flag, path)
		}
		f, err := os.OpenFile(path, os.O_WRONLY, 0)
		if err != nil {
			return fmt.Errorf("%s%s: cannot be written: %w", flag, path, err)
		}
		return f.Close()
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		return fmt.Errorf("%s%s: cannot be written: %w", flag, path, err)
	}
	_ = f.Close()
	return os.Remove(path)
}

var errNotResult = errors.New("not an nnjs result file (write one with: nnjs run --out result=FILE)")

func readResult(path string, reg *metrics.Registry) (resultFile, *metrics.Snapshot, error) {
	var rf resultFile
	b, err := os.ReadFile(path)
	if err != nil {
		return rf, nil, err
	}
	if err := json.Unmarshal(b, &rf); err != nil || !strings.HasPrefix(rf.Format, "nnjs-result/") {
		return rf, nil, fmt.Errorf("%s: %w", path, errNotResult)
	}
	if rf.Format != resultFormat && rf.Format != resultFormatV1 {
		return rf, nil, fmt.Errorf("%s: written by a newer nnjs (format %s); this nnjs reads %s and %s",
			path, rf.Format, resultFormatV1, resultFormat)
	}
	snap, err := metrics.DecodeSnapshot(reg, rf.Snapshot)
	if err != nil {
		return rf, nil, fmt.Errorf("%s: %w", path, err)
	}
	return rf, snap, nil
}
