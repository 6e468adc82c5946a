package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/nnprotect/nnjs/engine"
	"github.com/nnprotect/nnjs/engine/executor"
	"github.com/nnprotect/nnjs/engine/metrics"
	"github.com/nnprotect/nnjs/engine/summary"
	"github.com/nnprotect/nnjs/engine/threshold"
	"github.com/nnprotect/nnjs/jsapi"
)

// thresholdEvery is how often thresholds are evaluated during the run (for abortOnFail).
const thresholdEvery = 2 * time.Second

// summaryTimeout bounds handleSummary, which runs after the load has stopped.
const summaryTimeout = 2 * time.Minute

func (a *app) runCmd(args []string) int {
	fs, f := newRunFlags(a)
	fs.Usage = func() { fmt.Fprint(a.stdout, runHelp, fs.FlagUsages()) }
	if code, done := a.parseArgs(fs, args, 1, "SCRIPT"); done {
		return code
	}
	cli, err := f.options(fs)
	if err != nil {
		return a.fail("run", exitErr(exitInvalidConfig, err))
	}
	if _, err := parseOutputs(f.out); err != nil {
		return a.fail("run", exitErr(exitInvalidConfig, err))
	}
	env, err := a.scriptEnv(f.envFile, f.env)
	if err != nil {
		return a.fail("run", exitErr(exitInvalidConfig, err))
	}
	s, err := loadScript(a.ctx, fs.Arg(0), env, cli, f.db, f.scenarios)
	if err != nil {
		return a.fail("run", err)
	}
	return a.execute(s, f)
}

// execution is one run of a script: the engine, its metrics and the loops around it.
type execution struct {
	*script
	flags     *runFlags
	collector *metrics.Collector
	runner    *jsapi.Runner
	engine    *engine.Engine
	start     time.Time
	db        dbReport
}

func (a *app) execute(s *script, f *runFlags) int {
	r := &execution{script: s, flags: f, start: time.Now()}
	r.collector = metrics.NewCollector(s.registry, metrics.CollectorConfig{})
	part, err := executor.PartFromOptions(s.opts) // validated in loadScript
	if err != nil {
		return a.fail("run", exitErr(exitInvalidConfig, err))
	}
	runner, err := jsapi.NewRunner(s.prog, jsapi.RunnerConfig{
		Modules: s.modules, Registry: s.registry, NewRecorder: r.collector.Recorder, VUInTest: part.Global,
		Env: s.env, Options: s.opts, Logger: newConsoleLogger(a.stderr, r.start, f.noColor || !isTerminal(a.stderr)),
	})
	if err != nil {
		return a.fail("run", err)
	}
	r.runner = runner
	r.engine, err = engine.New(engine.Config{
		Runner: runner, Scenarios: executor.Scenarios(s.scenarios), Options: s.opts,
		Registry: s.registry, NewRecorder: r.collector.Recorder,
		NoSetup: f.noSetup, NoTeardown: f.noTeardown,
		BeforeScenarios: func(ctx context.Context) error { return s.db.beforeLoad(ctx, r.collector.Recorder(0)) },
	})
	if err != nil {
		return a.fail("run", exitErr(exitInvalidConfig, err))
	}
	defer s.db.close()
	if err := s.db.connect(a.ctx); err != nil {
		return a.fail("run", exitErr(exitDatabase, err))
	}

	loops, stopLoops := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	wg.Go(func() { r.collector.Run(loops) })
	wg.Go(func() { r.watchThresholds(loops) })
	if !f.quiet {
		p := newProgress(a.stderr, isTerminal(a.stderr), r.engine, r.start)
		wg.Go(func() { p.loop(loops) })
	}
	runErr := r.engine.Run(a.ctx)
	s.closeClients()
	s.db.stopMonitor(a.ctx) // its last sample goes into the final flush
	stopLoops()
	wg.Wait() // the collector has done its final flush

	res := r.thresholds.Evaluate(r.collector.Snapshot())
	code := runExitCode(runErr, res.Failed())
	if runErr != nil && code != exitThresholds {
		fmt.Fprintf(a.stderr, "nnjs run: %v\n", runErr)
	}
	if code = r.checkDB(a, code); code == exitDatabase {
		return code
	}
	if err := a.report(r, res); err != nil {
		fmt.Fprintf(a.stderr, "nnjs run: %v\n", err)
		if code == exitOK {
			code = exitInvalidConfig
		}
	}
	return code
}

// checkDB collects the monitor's report and runs the integrity checks; a critical integrity
// failure makes the run exit with exitIntegrity, whatever the thresholds said.
func (r *execution) checkDB(a *app, code int) int {
	if r.db.monitor == nil && r.script.db.monitor != nil {
		rep := r.script.db.monitor.Report()
		r.db.monitor = &rep
	}
	ctx, cancel := context.WithTimeout(context.Background(), summaryTimeout)
	defer cancel()
	rep, err := r.script.db.check(ctx, r.collector.Snapshot(), r.registry)
	var nj *notJudgedError
	switch {
	case errors.As(err, &nj): // the exit code stays the run's
		fmt.Fprintf(a.stderr, "nnjs run: %v\n", err)
	case err != nil:
		fmt.Fprintf(a.stderr, "nnjs run: %v\n", err)
		return exitDatabase
	case rep != nil:
		r.db.integrity = rep
		if rep.CriticalFailed() {
			return exitIntegrity
		}
	}
	return code
}

// watchThresholds evaluates thresholds on every snapshot tick and aborts the run when one with
// abortOnFail fails.
func (r *execution) watchThresholds(ctx context.Context) {
	t := time.NewTicker(thresholdEvery)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		snap := r.collector.Snapshot()
		if abort, th := r.thresholds.ShouldAbort(r.thresholds.Evaluate(snap), snap.Elapsed); abort {
			r.engine.Abort(&thresholdAbort{th: th})
			return
		}
	}
}

// thresholdAbort is the reason of a run aborted by a threshold with abortOnFail.
type thresholdAbort struct{ th *threshold.Threshold }

func (t *thresholdAbort) Error() string {
	return fmt.Sprintf("threshold %s on %s crossed (abortOnFail)", t.th.Expr.Source, t.th.Key)
}

// runExitCode maps the engine's result to k6's exit codes, most specific first.
func runExitCode(err error, thresholdsFailed bool) int {
	var ta *thresholdAbort
	var ie *engine.InitError
	var ee *exitError
	switch {
	case errors.As(err, &ee):
		return ee.code
	case err == nil && thresholdsFailed:
		return exitThresholds
	case err == nil:
		return exitOK
	case errors.As(err, &ta):
		return exitThresholds
	case errors.Is(err, engine.ErrAborted):
		return exitAborted
	case errors.Is(err, engine.ErrSetupTimeout):
		return exitSetupTimeout
	case errors.As(err, &ie), errors.Is(err, engine.ErrSetup):
		return exitScriptException
	case errors.Is(err, engine.ErrStopped):
		return exitSignal
	case errors.Is(err, engine.ErrTeardownTimeout):
		return exitTeardownTimeout
	case errors.Is(err, engine.ErrTeardown):
		return exitScriptException
	}
	return exitScriptException
}

// report prints the summary (or runs handleSummary) and writes --summary-export.
func (a *app) report(r *execution, res threshold.Results) error {
	rep, err := summary.Data(summary.Input{
		Snapshot: r.collector.Snapshot(), Results: res, Options: r.opts,
		NoColor: r.flags.noColor, IsStdOutTTY: a.stdoutTTY, IsStdErrTTY: isTerminal(a.stderr),
	})
	if err != nil {
		return fmt.Errorf("summary: %w", err)
	}
	files, _ := parseOutputs(r.flags.out) // validated before the run
	if files.result != "" {
		if err := writeResult(files.result, r.path, r.opts, r.collector.Snapshot()); err != nil {
			return err
		}
	}
	if r.flags.summaryExport != "" {
		b, err := r.db.extendJSON(summary.Export(rep))
		if err != nil {
			return fmt.Errorf("summary export: %w", err)
		}
		if err := os.WriteFile(r.flags.summaryExport, b, 0o644); err != nil {
			return fmt.Errorf("summary export: %w", err)
		}
	}
	if r.flags.noSummary {
		return nil // as in k6, --no-summary also skips handleSummary
	}
	data, err := rep.Map()
	if err == nil {
		err = r.db.addTo(data)
	}
	if sd := r.runner.SetupData(); err == nil && sd != nil {
		data["setup_data"] = sd // as in k6
	}
	if err != nil {
		return fmt.Errorf("summary: %w", err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), summaryTimeout)
	defer cancel()
	outs, handled, err := r.runner.HandleSummary(ctx, data)
	if err != nil {
		fmt.Fprintf(a.stderr, "nnjs run: handleSummary: %v (printing the default summary)\n", err)
	}
	if handled && err == nil {
		return a.writeOutputs(outs, filepath.Dir(r.path))
	}
	if err := summary.WriteText(a.stdout, rep, summary.TextOptions{NoColor: r.flags.noColor || !a.stdoutTTY}); err != nil {
		return err
	}
	return r.db.writeText(a.stdout)
}

// writeOutputs writes handleSummary's result: "stdout", "stderr" or a file path (relative paths
// are relative to the current directory, as in k6).
func (a *app) writeOutputs(outs map[string][]byte, _ string) error {
	for name, body := range outs {
		var err error
		switch name {
		case "stdout":
			_, err = a.stdout.Write(body)
		case "stderr":
			_, err = a.stderr.Write(body)
		default:
			if dir := filepath.Dir(name); dir != "." {
				err = os.MkdirAll(dir, 0o755)
			}
			if err == nil {
				err = os.WriteFile(name, body, 0o644)
			}
		}
		if err != nil {
			return fmt.Errorf("handleSummary output %q: %w", name, err)
		}
	}
	return nil
}
