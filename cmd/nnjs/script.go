package main

import (
	"context"
	"errors"
	"fmt"
	"github.com/jackc/pgx/v5"
	"io/fs"
	"maps"
	"strings"

	"github.com/nnprotect/nnjs/engine/executor"
	"github.com/nnprotect/nnjs/engine/metrics"
	"github.com/nnprotect/nnjs/engine/options"
	"github.com/nnprotect/nnjs/engine/threshold"
	"github.com/nnprotect/nnjs/internal/dotenv"
	"github.com/nnprotect/nnjs/internal/remotemod"
	"github.com/nnprotect/nnjs/internal/summary"
	"github.com/nnprotect/nnjs/jsapi"
	"github.com/nnprotect/nnjs/jsapi/k6http"
	"github.com/nnprotect/nnjs/jsapi/k6sql"
	"github.com/nnprotect/nnjs/jsapi/modules"
	"github.com/nnprotect/nnjs/seed"
)

// script is a compiled test with its resolved options, ready to run: what `run` executes and
// `inspect` prints. Everything that can be wrong with a script is found while building it,
// before any load. It holds no connection: each run (an execution) opens its own.
type script struct {
	path       string
	prog       *jsapi.Program
	registry   *metrics.Registry
	env        map[string]string
	opts       options.Options
	scenarios  []executor.Config
	thresholds *threshold.Set
	db         dbPlan
}

// exitError carries the exit code an error maps to.
type exitError struct {
	code int
	err  error
}

func (e *exitError) Error() string { return e.err.Error() }
func (e *exitError) Unwrap() error { return e.err }

func exitErr(code int, err error) error { return &exitError{code: code, err: err} }

// clients are the JS modules that hold network clients (HTTP connections, SQL pools), with
// the registry of every built-in module. The probe that reads a script's options gets one set
// and each run another, so a script holds no connection.
type clients struct {
	modules *modules.Registry
	http    *k6http.Module
	sql     *k6sql.Module
}

func newClients() *clients {
	c := &clients{modules: jsapi.DefaultModules(), http: k6http.New(k6http.Config{}), sql: k6sql.New()}
	c.modules.Register(c.http, "k6/http", "nnjs/http")
	// Scripts write only to staging databases (the nnjs_meta marker); sql.open(url,
	// {readOnly: true}) reads any database.
	c.sql.SetGuard(func(ctx context.Context, conn *pgx.Conn) error {
		if err := seed.Guard(ctx, conn); err != nil {
			return fmt.Errorf("%w (a script that only reads may open it with sql.open(url, {readOnly: true}))", err)
		}
		return nil
	})
	c.sql.Register(c.modules)
	return c
}

// close closes the HTTP connections and SQL pools; a run calls it once the load has stopped,
// so the database sees the load's sessions end before the monitor's last sample.
func (c *clients) close() {
	c.http.CloseIdleConnections()
	c.sql.Close()
}

// loadScript compiles path, reads its options with env as __ENV, layers cli on top and
// validates scenarios and thresholds.
//
// src, when not nil, is the script's source (read from stdin for the path "-").
//
// remote fetches the modules the script imports by URL.
func loadScript(ctx context.Context, path string, src []byte, env map[string]string, cli options.Options, dbf dbFlagsRun, only []string, remote *remotemod.Fetcher) (*script, error) {
	s := &script{path: path, registry: metrics.NewRegistry(), env: env}
	probe := newClients()
	defer probe.close()
	prog, err := jsapi.Compile(path, jsapi.CompileOptions{Modules: probe.modules, Source: src, Remote: remote})
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, exitErr(exitInvalidConfig, fmt.Errorf("script %s not found", path))
		}
		return nil, exitErr(exitScriptException, err)
	}
	s.prog = prog
	info, err := prog.Inspect(ctx, env, s.registry)
	if err != nil {
		return nil, initExit(ctx, err)
	}
	opts, err := options.Parse(info.Options)
	if err != nil {
		return nil, exitErr(exitInvalidConfig, err)
	}
	s.opts = opts.Apply(cli)
	if err := validateSummaryOptions(s.opts); err != nil {
		return nil, exitErr(exitInvalidConfig, err)
	}
	if s.scenarios, err = executor.FromOptions(s.opts); err != nil {
		return nil, exitErr(exitInvalidConfig, err)
	}
	if s.scenarios, err = executor.Filter(s.scenarios, only); err != nil {
		return nil, exitErr(exitInvalidConfig, err)
	}
	if len(only) > 0 {
		s.opts.Thresholds = dropExcludedThresholds(s.opts.Thresholds, s.scenarios)
	}
	if err := checkExec(s.scenarios, info); err != nil {
		return nil, exitErr(exitInvalidConfig, err)
	}
	if s.db, err = planDB(s.opts, dbf, s.registry); err != nil {
		return nil, exitErr(exitInvalidConfig, err)
	}
	if s.thresholds, err = threshold.New(s.registry, s.opts.Thresholds); err != nil {
		return nil, exitErr(exitInvalidConfig, err)
	}
	return s, nil
}

// initExit maps an error of the script's init code to its exit code: a signal (ctx
// cancelled) is 105, a database sql.open could not use is 111, anything else is a script
// error (107).
func initExit(ctx context.Context, err error) error {
	if ctx.Err() != nil {
		return exitErr(exitSignal, fmt.Errorf("init interrupted: %w", context.Cause(ctx)))
	}
	return exitErr(initCode(err), err)
}

// initCode is the exit code of a failed init: 111 when sql.open could not use a database,
// else 107.
func initCode(err error) int {
	var oe *k6sql.OpenError
	if errors.As(err, &oe) {
		return exitDatabase
	}
	return exitScriptException
}

// dropExcludedThresholds removes, as k6 does with --scenario, the thresholds whose sub-metric
// filter names a scenario that will not run (they could only judge an empty metric). Keys that
// do not parse are kept, so threshold.New reports them.
func dropExcludedThresholds(ths map[string]options.Thresholds, run []executor.Config) map[string]options.Thresholds {
	running := map[string]bool{}
	for _, c := range run {
		running[c.Base().Name] = true
	}
	out := make(map[string]options.Thresholds, len(ths))
	for key, t := range ths {
		if _, filter, err := threshold.ParseKey(key); err == nil {
			if sc, ok := filter.Get("scenario"); ok && !running[sc] {
				continue
			}
		}
		out[key] = t
	}
	return out
}

// checkExec makes sure every scenario's exec function is exported, as k6 does before the run.
func checkExec(cfgs []executor.Config, info jsapi.ScriptInfo) error {
	for _, c := range cfgs {
		b := c.Base()
		exec := b.Exec
		if exec == "" {
			exec = "default"
		}
		if !info.HasFunction(exec) {
			what := fmt.Sprintf("scenarios.%s.exec", b.Name)
			if b.Exec == "" {
				what = fmt.Sprintf("scenario %q", b.Name)
			}
			return fmt.Errorf("%s: function %q not found in the script's exports (exported functions: %s)",
				what, exec, strings.Join(info.Functions, ", "))
		}
	}
	return nil
}

func validateSummaryOptions(o options.Options) error {
	if len(o.SummaryTrendStats) > 0 {
		if err := summary.ValidateTrendStats(o.SummaryTrendStats); err != nil {
			return fmt.Errorf("options.summaryTrendStats: %w", err)
		}
	}
	if o.SummaryTimeUnit != "" {
		if err := summary.ValidateTimeUnit(o.SummaryTimeUnit); err != nil {
			return fmt.Errorf("options.summaryTimeUnit: %w", err)
		}
	}
	return nil
}

// scriptEnv builds __ENV: the process environment, then --env-file, then -e (last wins).
func (a *app) scriptEnv(envFile string, pairs []string) (map[string]string, error) {
	env := map[string]string{}
	for _, kv := range a.environ() {
		if k, v, ok := strings.Cut(kv, "="); ok && k != "" {
			env[k] = v
		}
	}
	if envFile != "" {
		vars, err := dotenv.ReadFile(envFile)
		if err != nil {
			return nil, fmt.Errorf("--env-file: %w", err)
		}
		maps.Copy(env, vars)
	}
	kv, err := parsePairs("--env", pairs)
	if err != nil {
		return nil, err
	}
	maps.Copy(env, kv)
	return env, nil
}
