package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/spf13/pflag"

	"github.com/nnprotect/nnjs/engine"
	"github.com/nnprotect/nnjs/engine/executor"
	"github.com/nnprotect/nnjs/engine/metrics"
	"github.com/nnprotect/nnjs/engine/options"
	"github.com/nnprotect/nnjs/engine/threshold"
	"github.com/nnprotect/nnjs/internal/exporter"
	"github.com/nnprotect/nnjs/internal/procs"
	"github.com/nnprotect/nnjs/internal/remotemod"
	"github.com/nnprotect/nnjs/internal/report"
	"github.com/nnprotect/nnjs/internal/runrecord"
	"github.com/nnprotect/nnjs/internal/saturation"
	"github.com/nnprotect/nnjs/internal/stream"
	"github.com/nnprotect/nnjs/jsapi"
)

// thresholdEvery is how often thresholds are evaluated during the run (for abortOnFail).
const thresholdEvery = 2 * time.Second

// saturationEvery is how often the generator's own scheduling latency and GC share are
// sampled during the run (once a second, off the VUs' path).
const saturationEvery = time.Second

// defaultPostLoadTimeout bounds each phase after the load (integrity checks, handleSummary).
const defaultPostLoadTimeout = 2 * time.Minute

func (a *app) runCmd(args []string) int {
	fs, f := newRunFlags(a)
	fs.Usage = func() { fmt.Fprint(a.stdout, runHelp, fs.FlagUsages()) }
	if code, done := a.parseArgs(fs, args, anyArgs, "SCRIPT"); done {
		return code
	}
	if f.suite != "" || fs.NArg() > 1 || isDir(fs.Arg(0)) {
		return a.runSuite(fs, f)
	}
	if fs.NArg() != 1 {
		fmt.Fprintf(a.stderr, "nnjs run: want SCRIPT, got %d arguments (see 'nnjs run --help')\n", fs.NArg())
		return exitInvalidConfig
	}
	f.applyEnv(fs, a.lookupEnv)
	if err := f.checkSuiteFlags(); err != nil {
		return a.fail("run", exitErr(exitInvalidConfig, err))
	}
	o := a.runScript(fs, f, fs.Arg(0))
	if f.junit != "" {
		return a.writeJUnit(f.junit, []*outcome{o}, o.code)
	}
	return o.code
}

// runScript runs one script with its flags: options, outputs and environment are checked
// and the script is compiled before any load. Errors are printed; the outcome carries them.
func (a *app) runScript(fs *pflag.FlagSet, f *runFlags, path string) *outcome {
	o := &outcome{name: path, script: path, start: time.Now()}
	cli, err := f.options(fs)
	if err == nil {
		// k6's precedence: defaults < script options < K6_*/NNJS_* variables < flags.
		var env options.Options
		env, err = envLayer(a.lookupEnv)
		cli = env.Apply(cli)
	}
	if err == nil {
		f.outs, err = parseOutputs(f.out)
	}
	if err == nil {
		err = f.checkOutputPaths()
	}
	var env map[string]string
	if err == nil {
		env, err = a.scriptEnv(f.envFile, f.env)
	}
	var src []byte
	if err == nil {
		src, err = a.scriptSource(path)
	}
	var remote *remotemod.Fetcher
	if err == nil {
		remote, err = f.remote.fetcher(fs, a.lookupEnv)
	}
	compiled := path
	if err == nil && isArchive(path) {
		// the archive's options under the variables and flags, its files and modules offline
		var u *unpacked
		if u, err = unpackArchive(path); err == nil {
			defer u.close()
			compiled, remote, cli = u.script, u.remote, u.options.Apply(cli)
		}
	}
	if err != nil {
		return o.failed(a.fail("run", exitErr(exitInvalidConfig, err)), err)
	}
	ctx, leave := a.interrupts.enter(a.ctx, "stopping: the script's init code is interrupted")
	s, err := loadScript(ctx, compiled, src, env, cli, f.db, f.scenarios, remote)
	leave()
	if err != nil {
		return o.failed(a.fail("run", err), err)
	}
	s.path = path
	warnOptions(a.stderr, s.opts)
	a.execute(s, f, o)
	return o
}

// execution is one run of a script. It owns what the run opens (the scripts' HTTP and SQL
// clients, the database monitor and the integrity pool), the engine and its metrics, and
// what the run found (the database report and the verdict).
type execution struct {
	script    *script
	flags     *runFlags
	clients   *clients
	db        *dbSide
	collector *metrics.Collector
	stream    *stream.Output // --out json=/csv= (nil without)
	// exporter and promSrv serve --prometheus (nil without).
	exporter *exporter.Exporter
	promSrv  *exporter.Server
	runner   *jsapi.Runner
	engine   *engine.Engine
	start    time.Time
	// record is the run record every output of the run carries (set before the load).
	record  *runrecord.Record
	report  dbReport
	verdict verdict
	log     *slog.Logger // console.* output and run warnings, safe for concurrent use
	// sat watches the generator's own scheduling and GC while the load runs.
	sat *saturation.Monitor
	// seriesWarned is set once the series-limit warning was printed.
	seriesWarned atomic.Bool
	// rp is the HTML report and dashboard (nil when no output needs the time series);
	// timeline is its time series once the load ended.
	rp       *reporting
	timeline *report.Timeline
	// final and results are the last snapshot and the thresholds judged on it, once the run
	// is judged.
	final   *metrics.Snapshot
	results threshold.Results
}

// newExecution builds the run's clients, runner and engine; nothing connects yet.
func (a *app) newExecution(s *script, f *runFlags) (*execution, error) {
	r := &execution{script: s, flags: f, start: time.Now(), clients: newClients(), sat: saturation.NewMonitor(saturation.Runtime)}
	var err error
	if r.stream, err = openStream(f.outs.stream, s.opts.Thresholds); err != nil {
		return r, exitErr(exitInvalidConfig, err)
	}
	cc := metrics.CollectorConfig{MaxSeries: f.maxSeries}
	if r.stream != nil {
		cc.Stream = r.stream
	}
	r.collector = metrics.NewCollector(s.registry, cc)
	part, err := executor.PartFromOptions(s.opts) // validated in loadScript
	if err != nil {
		return r, exitErr(exitInvalidConfig, err)
	}
	r.log = newConsoleLogger(a.stderr, r.start, f.noColor || !isTerminal(a.stderr))
	if r.db, err = newDBSide(s.db, s.registry, r.log); err != nil {
		return r, exitErr(exitInvalidConfig, err)
	}
	r.runner, err = jsapi.NewRunner(s.prog, jsapi.RunnerConfig{
		Modules: r.clients.modules, Registry: s.registry, NewRecorder: r.collector.Recorder, VUInTest: part.Global,
		Env: s.env, Options: s.opts, Logger: r.log,
	})
	if err != nil {
		return r, err
	}
	r.engine, err = engine.New(engine.Config{
		Runner: r.runner, Scenarios: executor.Scenarios(s.scenarios), Options: s.opts,
		Registry: s.registry, NewRecorder: r.collector.Recorder,
		NoSetup: s.opts.NoSetup != nil && *s.opts.NoSetup, NoTeardown: s.opts.NoTeardown != nil && *s.opts.NoTeardown,
		Started: func(t time.Time) {
			r.collector.MarkStart(t)
			r.sat.Restart() // VU init is not the load: judge the generator from here on
		},
		BeforeScenarios: func(ctx context.Context) error { return r.db.beforeLoad(ctx, r.collector.Recorder(0)) },
	})
	if err != nil {
		return r, exitErr(exitInvalidConfig, err)
	}
	return r, nil
}

// close releases what the run opened.
func (r *execution) close() {
	if r.stream != nil {
		_ = r.stream.Close() // already closed after a load; this covers a run stopped before it
	}
	r.closePrometheus()
	r.rp.close()
	r.clients.close()
	if r.db != nil {
		r.db.close()
	}
}

// execute runs the compiled script and records how it ended in o.
func (a *app) execute(s *script, f *runFlags, o *outcome) {
	r, err := a.newExecution(s, f)
	defer r.close()
	if err != nil {
		o.failed(a.fail("run", err), err)
		return
	}
	if r.rp, err = newReporting(a, f, s.path); err != nil {
		o.failed(a.fail("run", exitErr(exitInvalidConfig, err)), err)
		return
	}
	if err = r.listenPrometheus(); err != nil {
		o.failed(a.fail("run", exitErr(exitInvalidConfig, err)), err)
		return
	}
	if !f.quiet {
		writePlan(a.stderr, s, r.engine.MaxVUs())
	}
	if err := r.db.connect(a.ctx); err != nil {
		r.verdict.fail(exitDatabase, err, "database: cannot use it before the load")
		r.verdict.writeErrors(a.stderr)
		o.judge(r, exitDatabase)
		return
	}
	if r.record, err = a.newRecord(s, r.start); err != nil {
		o.failed(a.fail("run", exitErr(exitInvalidConfig, err)), err)
		return
	}
	r.recordDatabases(a.ctx)
	runErr := r.load(a)
	o.judge(r, r.finish(a, runErr))
}

// load runs the engine (VU init, setup, the scenarios, teardown) with its loops: metrics
// collection, abortOnFail thresholds and progress. When it returns, the load's clients are
// closed and the collector has done its final flush.
func (r *execution) load(a *app) error {
	loops, stopLoops := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	wg.Go(func() { r.collector.Run(loops) })
	wg.Go(func() { r.watchThresholds(loops) })
	wg.Go(func() { r.sat.Run(loops, saturationEvery) })
	if tuneProcs(a.lookupEnv) {
		wg.Go(func() { procs.NewTuner(procs.ProcessCPU, procs.Runtime).Run(loops, procs.Every) })
	}
	if r.rp != nil {
		wg.Go(func() { r.rp.loop(loops, r.collector.Snapshot, r.liveData) })
	}
	if !r.flags.quiet {
		p := newProgress(a.stderr, isTerminal(a.stderr), r.engine, r.start)
		p.saturation = r.sat.Status
		wg.Go(func() { p.loop(loops) })
	}
	ctx, leave := a.interrupts.enter(a.ctx, r.stopNotice())
	runErr := r.engine.Run(ctx)
	end := time.Now()
	r.collector.MarkEnd(end) // k6's test run ends with teardown
	leave()
	r.clients.close()
	ctx, leave = a.interrupts.enter(context.WithoutCancel(a.ctx), "skipping the wait for the database monitor's last sample")
	ctx, cancel := context.WithTimeout(ctx, r.flags.postLoadTimeout)
	r.db.stopMonitor(ctx) // its last sample goes into the final flush
	cancel()
	leave()
	stopLoops()
	wg.Wait()
	r.record.Finish(end)
	r.timeline = r.rp.timeline(r.collector.Snapshot())
	return runErr
}

// stopNotice is what the first Ctrl-C during the load prints: how long the stop may take.
func (r *execution) stopNotice() string {
	var grace time.Duration
	for _, sc := range executor.Scenarios(r.script.scenarios) {
		grace = max(grace, sc.Plan().GracefulStop)
	}
	teardown := engine.DefaultTeardownTimeout
	if t := r.script.opts.TeardownTimeout; t != nil {
		teardown = t.D()
	}
	return fmt.Sprintf("stopping gracefully: running iterations get up to %s (gracefulStop) to finish, "+
		"then teardown() (up to %s), the checks after the load and the summary", grace, teardown)
}

// finish judges the run and writes its results: first what needs nothing but the metrics
// (--out result=, --summary-export), then the phases after the load that can fail (integrity
// checks), then the summary. It returns the exit code.
func (r *execution) finish(a *app, runErr error) int {
	snap := r.collector.Snapshot()
	res := r.script.thresholds.Evaluate(snap)
	r.final, r.results = snap, res
	r.judgeRun(runErr)
	r.judgeMarkedFailed()
	r.judgeThresholds(res, runErr)
	if r.db.monitor != nil {
		rep := r.db.monitor.Report()
		r.report.monitor = &rep
	}
	r.writeResults(a, snap, res)
	if r.db.integrity != nil {
		r.checkIntegrity(a, snap, runErr)
		if r.flags.summaryExport != "" {
			r.writeExport(a, snap, res) // again, with the integrity report
		}
	}
	r.summarize(a, snap, res)
	r.warnSeries()
	warnDropped(a.stderr, r.engine.Progress())
	warnSaturation(a.stderr, r.sat.Report())
	r.finishReport(a, snap, res)
	r.verdict.writeErrors(a.stderr)
	r.rp.holdDashboard(a)
	r.holdPrometheus(a)
	return r.verdict.code()
}

// watchThresholds evaluates thresholds on every snapshot tick and aborts the run when one with
// abortOnFail fails.
func (r *execution) watchThresholds(ctx context.Context) {
	t := time.NewTicker(thresholdEvery)
	defer t.Stop()
	ths := r.script.thresholds
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		r.warnSeries()
		snap := r.collector.Snapshot()
		if abort, th := ths.ShouldAbort(ths.Evaluate(snap), snap.Elapsed); abort {
			r.engine.Abort(&thresholdAbort{expr: th.Expr.Source, metric: th.Name, at: snap.Elapsed})
			return
		}
	}
}

// thresholdAbort is the reason of a run aborted by a threshold with abortOnFail.
type thresholdAbort struct {
	expr, metric string
	at           time.Duration
}

func (t *thresholdAbort) Error() string {
	return fmt.Sprintf("threshold '%s' on %s was crossed after %s and has abortOnFail: it stopped the run",
		t.expr, t.metric, t.at.Round(100*time.Millisecond))
}

// writeVerdictTo writes the verdict block to w (the summary's end, or stderr when the text
// summary is not printed).
func (r *execution) writeVerdictTo(w io.Writer, noColor bool) {
	_ = r.verdict.writeText(w, noColor)
}
