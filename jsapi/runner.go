package jsapi

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/dop251/goja"

	"github.com/nnprotect/nnjs/engine"
	"github.com/nnprotect/nnjs/engine/metrics"
	"github.com/nnprotect/nnjs/engine/options"
	"github.com/nnprotect/nnjs/jsapi/modules"
)

// RunnerConfig configures NewRunner.
type RunnerConfig struct {
	// Modules overrides the registry given to Compile (nil: the Program's).
	Modules *modules.Registry
	// Registry is the run's metric registry (required).
	Registry *metrics.Registry
	// NewRecorder makes the Recorder of a VU (0 is setup/teardown/handleSummary). Required.
	NewRecorder func(vuID uint64) metrics.Recorder
	// Env is __ENV: the process environment plus -e flags (cmd builds it).
	Env map[string]string
	// Options are the resolved run options (k6/execution test.options, global tags).
	Options options.Options
	// Logger receives console.* output (attributes source=console, vu=<id>) and uncaught
	// iteration exceptions. Nil discards.
	Logger *slog.Logger
	// BaseDir resolves open() paths when the caller's file is unknown (default: the script's
	// directory).
	BaseDir string
	// ErrorLogEvery is the minimum interval between two logs of the same exception message
	// (default 5s); repeats in between are counted and reported with the next log.
	ErrorLogEvery time.Duration
	// VUInTest maps a VU's 0-based position in this process (id-1) to its 0-based position in
	// the whole test, so that k6/execution vu.idInTest is unique across execution segments:
	// VU ids are dealt to the segments like iterations, as k6 does. (*executor.Part).Global
	// fits. Nil is the identity (no execution segment).
	VUInTest func(k uint64) uint64
}

// shared is the run-wide state every VU of a Runner (or the options probe) reads. Fields are
// set before the first VU exists and then only read, except the atomics.
type shared struct {
	prg      *Program
	modules  *modules.Registry
	registry *metrics.Registry
	options  *options.Options
	logger   *slog.Logger
	env      map[string]string
	baseDir  string
	baseTags *metrics.Tags // options.tags plus group ""
	start    time.Time
	errlog   *errorLog
	vuInTest func(uint64) uint64 // RunnerConfig.VUInTest; nil is the identity

	vusActive, vusInit atomic.Int64
	// run is the engine's RunInfo, from the first activation on (nil before).
	run atomic.Pointer[engine.RunInfo]
	// failed holds the first test.fail() message; nil while the run is not marked failed.
	failed atomic.Pointer[string]

	setupMu   sync.RWMutex
	setupJSON string // JSON of setup()'s result; "" when none or undefined
}

func newShared(p *Program, reg *modules.Registry, mreg *metrics.Registry, opts options.Options,
	logger *slog.Logger, env map[string]string) *shared {
	if logger == nil {
		logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	if reg == nil {
		reg = p.modules
	}
	sh := &shared{
		prg: p, modules: reg, registry: mreg, options: &opts, logger: logger, env: env,
		baseDir: p.dir, start: time.Now(),
	}
	tags := map[string]string{"group": ""}
	for k, v := range opts.Tags {
		tags[k] = v
	}
	sh.baseTags = metrics.NewTags(tags)
	return sh
}

// iterations returns the instance's completed and interrupted iterations (0 before the
// first scenario starts).
func (sh *shared) iterations() (completed, interrupted int64) {
	if ri := sh.run.Load(); ri != nil {
		return (*ri).Iterations()
	}
	return 0, 0
}

// markFailed records a test.fail() message; the first one is kept.
func (sh *shared) markFailed(msg string) { sh.failed.CompareAndSwap(nil, &msg) }

// MarkedFailed reports whether a script called test.fail() (k6/execution), with the first
// call's message. The run must then end failed (k6 exits 110).
func (r *Runner) MarkedFailed() (string, bool) {
	if p := r.sh.failed.Load(); p != nil {
		return *p, true
	}
	return "", false
}

// Runner runs a compiled Program: it implements engine.Runner. NewVU, Setup, Teardown and
// HandleSummary may be called from different goroutines; setup, teardown and handleSummary
// share one runtime (VU id 0) and are serialised.
type Runner struct {
	sh          *shared
	newRecorder func(uint64) metrics.Recorder

	lifeMu sync.Mutex
	life   *vu // setup/teardown/handleSummary runtime, created on first use
}

var _ engine.Runner = (*Runner)(nil)

// NewRunner prepares a Runner for p.
func NewRunner(p *Program, cfg RunnerConfig) (*Runner, error) {
	if cfg.Registry == nil || cfg.NewRecorder == nil {
		return nil, fmt.Errorf("jsapi: new runner: Registry and NewRecorder are required")
	}
	sh := newShared(p, cfg.Modules, cfg.Registry, cfg.Options, cfg.Logger, cfg.Env)
	if cfg.BaseDir != "" {
		sh.baseDir = cfg.BaseDir
	}
	sh.errlog = newErrorLog(sh.logger, cfg.ErrorLogEvery)
	sh.vuInTest = cfg.VUInTest
	return &Runner{sh: sh, newRecorder: cfg.NewRecorder}, nil
}

// NewVU implements engine.Runner: a fresh runtime that has run the init code.
func (r *Runner) NewVU(ctx context.Context, id uint64) (engine.VU, error) {
	v, err := newVU(ctx, r.sh, id, r.newRecorder(id))
	if err != nil {
		return nil, err
	}
	r.sh.vusInit.Add(1)
	v.ctx = context.Background()
	return v, nil
}

// lifecycle returns the VU 0 runtime, creating it under ctx. The caller holds lifeMu.
func (r *Runner) lifecycle(ctx context.Context) (*vu, error) {
	if r.life != nil {
		return r.life, nil
	}
	v, err := newVU(ctx, r.sh, 0, r.newRecorder(0))
	if err != nil {
		return nil, err
	}
	r.life = v
	return v, nil
}

// setupData returns a fresh copy of setup()'s result in v's runtime (undefined when none).
func (v *vu) setupData() goja.Value {
	v.sh.setupMu.RLock()
	js := v.sh.setupJSON
	v.sh.setupMu.RUnlock()
	if js == "" {
		return goja.Undefined()
	}
	data, err := v.jsonFn(goja.Undefined(), v.rt.ToValue(js))
	if err != nil {
		return goja.Undefined() // the JSON came from JSON.stringify: cannot fail
	}
	return data
}

// SetupData returns the JSON of setup()'s result, or nil when setup returned nothing (for
// handleSummary's data.setup_data, as in k6).
func (r *Runner) SetupData() json.RawMessage {
	r.sh.setupMu.RLock()
	defer r.sh.setupMu.RUnlock()
	if r.sh.setupJSON == "" {
		return nil
	}
	return json.RawMessage(r.sh.setupJSON)
}
