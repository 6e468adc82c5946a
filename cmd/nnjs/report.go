package main

import (
	"context"
	"fmt"
	"io"
	"maps"
	"os"
	"path/filepath"
	"slices"

	"github.com/nnprotect/nnjs/engine/metrics"
	"github.com/nnprotect/nnjs/engine/threshold"
	"github.com/nnprotect/nnjs/internal/summary"
)

// summaryData builds the handleSummary data object of the run.
func (r *execution) summaryData(a *app, snap *metrics.Snapshot, res threshold.Results) (*summary.Report, error) {
	rep, err := summary.Data(summary.Input{
		Snapshot: snap, Results: res, Options: r.script.opts,
		NoColor: r.flags.noColor, IsStdOutTTY: a.stdoutTTY, IsStdErrTTY: isTerminal(a.stderr),
	})
	if err != nil {
		return nil, fmt.Errorf("summary: %w", err)
	}
	return rep, nil
}

// writeResults writes what needs nothing but the metrics (--out json=/csv=/result=, --summary-export)
// right after the load, before any phase that can fail or hang.
func (r *execution) writeResults(a *app, snap *metrics.Snapshot, res threshold.Results) {
	r.closeStream(a.stderr)
	if path := r.flags.outs.result; path != "" {
		if err := writeResult(path, r.script.path, r.script.opts, snap, r.resultExtras(res)); err != nil {
			r.verdict.fail(exitInvalidConfig, err, "--out result=%s was not written", path)
		}
	}
	if r.flags.summaryExport != "" {
		r.writeExport(a, snap, res)
	}
}

// writeExport writes --summary-export with the database report known so far.
func (r *execution) writeExport(a *app, snap *metrics.Snapshot, res threshold.Results) {
	rep, err := r.summaryData(a, snap, res)
	var b []byte
	if err == nil {
		b, err = r.extendExport(summary.Export(rep))
	}
	if err == nil {
		err = os.WriteFile(r.flags.summaryExport, b, 0o644)
	}
	if err != nil {
		r.verdict.fail(exitInvalidConfig, fmt.Errorf("summary export: %w", err), "--summary-export %s was not written", r.flags.summaryExport)
	}
}

// summarize prints the end-of-test summary (or runs handleSummary) and the verdict block.
func (r *execution) summarize(a *app, snap *metrics.Snapshot, res threshold.Results) {
	noColor := r.flags.noColor || !a.stdoutTTY
	rep, err := r.summaryData(a, snap, res)
	if err != nil {
		r.verdict.fail(exitInvalidConfig, err, "the summary could not be built")
		r.writeVerdictTo(a.stderr, r.flags.noColor || !isTerminal(a.stderr))
		return
	}
	text := !r.flags.noSummary && !r.handleSummary(a, rep) // as in k6, --no-summary also skips handleSummary
	if !text {
		if r.verdict.failed() {
			r.writeVerdictTo(a.stderr, r.flags.noColor || !isTerminal(a.stderr))
		}
		return
	}
	_, err = fmt.Fprintf(a.stdout, "\n  %s\n", r.record.Header())
	if err == nil {
		err = summary.WriteText(a.stdout, rep, summary.TextOptions{NoColor: noColor})
	}
	if err == nil {
		err = r.report.writeText(a.stdout)
	}
	if err != nil {
		fmt.Fprintf(a.stderr, "nnjs run: write the summary: %v\n", err)
	}
	fmt.Fprintln(a.stdout)
	r.writeVerdictTo(a.stdout, noColor)
}

// handleSummary runs the script's handleSummary (if it exports one) in its own phase and
// writes what it returns. It reports whether that replaced the text summary: false without
// handleSummary, or when it failed, was interrupted or could not write one of its files (the
// text summary is printed then, so the results are never lost).
func (r *execution) handleSummary(a *app, rep *summary.Report) bool {
	data, err := rep.Map()
	if err == nil {
		err = r.addRecord(data)
	}
	if err != nil {
		r.verdict.fail(exitInvalidConfig, err, "the handleSummary data could not be built")
		return false
	}
	if sd := r.runner.SetupData(); sd != nil {
		data["setup_data"] = sd // as in k6
	}
	ctx, leave := a.interrupts.enter(context.WithoutCancel(a.ctx), "interrupting handleSummary; printing the default summary")
	ctx, cancel := context.WithTimeout(ctx, r.flags.postLoadTimeout)
	outs, handled, err := r.runner.HandleSummary(ctx, data)
	cancel()
	leave()
	if err != nil {
		fmt.Fprintf(a.stderr, "nnjs run: handleSummary: %v (printing the default summary)\n", err)
		return false
	}
	if !handled {
		return false
	}
	if err := a.writeOutputs(outs); err != nil {
		r.verdict.fail(exitInvalidConfig, err, "a handleSummary output was not written (the default summary is printed)")
		return false
	}
	return true
}

// writeOutputs writes handleSummary's result: files first (relative paths are relative to the
// current directory, as in k6), then "stdout" and "stderr". It stops at the first failure.
func (a *app) writeOutputs(outs map[string][]byte) error {
	for _, name := range slices.Sorted(maps.Keys(outs)) {
		if name == "stdout" || name == "stderr" {
			continue
		}
		var err error
		if dir := filepath.Dir(name); dir != "." {
			err = os.MkdirAll(dir, 0o755)
		}
		if err == nil {
			err = os.WriteFile(name, outs[name], 0o644)
		}
		if err != nil {
			return fmt.Errorf("handleSummary output %q: %w", name, err)
		}
	}
	for _, name := range []string{"stdout", "stderr"} {
		w := a.stdout
		if name == "stderr" {
			w = a.stderr
		}
		if body, ok := outs[name]; ok {
			if _, err := w.Write(body); err != nil {
				return fmt.Errorf("handleSummary output %q: %w", name, err)
			}
		}
	}
	return nil
}

// scriptSource returns the script read from stdin for the path "-" (as k6 does), else nil.
func (a *app) scriptSource(path string) ([]byte, error) {
	if path != "-" {
		return nil, nil
	}
	b, err := io.ReadAll(a.stdin)
	if err != nil {
		return nil, fmt.Errorf("read the script from stdin: %w", err)
	}
	return b, nil
}
