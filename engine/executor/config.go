package executor

import (
	"errors"
	"fmt"
	"regexp"
	"time"

	"github.com/nnprotect/nnjs/engine"
	"github.com/nnprotect/nnjs/engine/options"
)

// Config is one scenario's executor config: plain data decoded from `options.scenarios` (or
// derived from the shortcut options) plus the small runtime half the scheduler calls
// (engine.Scenario). Configs are pointers to the executor structs (*ConstantVUs, ...).
type Config interface {
	engine.Scenario
	// Base returns the options every executor shares.
	Base() BaseConfig
	// Validate checks the config. Its error joins *FieldError values whose paths are relative
	// to the scenario ("vus", "stages").
	Validate() error
	// Segment returns a copy of a validated, unsegmented config reduced to part p of the test
	// (see Part): VUs, iterations and stage targets become this process's share, and
	// arrival-rate iterations are dealt by p. A nil p returns an equal copy.
	Segment(p *Part) Config
}

// Limits and defaults shared by the executors (k6's values).
const (
	// MaxVUs is the most VUs one scenario may ask for (a sanity limit, as in k6).
	MaxVUs = 100_000_000
	// MinDuration is the shortest duration or maxDuration an executor accepts.
	MinDuration            = time.Second
	DefaultGracefulStop    = 30 * time.Second
	DefaultMaxDuration     = 10 * time.Minute
	DefaultGracefulRampDwn = 30 * time.Second
	DefaultExec            = "default"
)

// ErrConfig is wrapped by every error about executor options (FromOptions, Validate, Decode);
// cmd maps it to the invalid-config exit code.
var ErrConfig = errors.New("invalid executor config")

// FieldError is an error about one option. Path is the option's path, e.g.
// "scenarios.pay.executor"; Validate returns paths relative to the scenario.
type FieldError struct {
	Path string
	Msg  string
}

func (e *FieldError) Error() string {
	if e.Path == "" {
		return e.Msg
	}
	return e.Path + ": " + e.Msg
}

// Unwrap returns ErrConfig.
func (e *FieldError) Unwrap() error { return ErrConfig }

func fieldErr(path, format string, args ...any) error {
	return &FieldError{Path: path, Msg: fmt.Sprintf(format, args...)}
}

var nameRE = regexp.MustCompile(`^[0-9a-zA-Z_-]+$`)

// BaseConfig holds the options common to every executor (k6's scenario options).
type BaseConfig struct {
	Name         string            `json:"-"`
	Type         string            `json:"executor"`
	StartTime    options.Duration  `json:"startTime"`
	GracefulStop options.Duration  `json:"gracefulStop"`
	Exec         string            `json:"exec"`
	Env          map[string]string `json:"env"`
	Tags         map[string]string `json:"tags"`
	// Options is k6's per-scenario `options` object (browser settings); kept, not interpreted.
	Options map[string]any `json:"options"`

	// part is this process's execution segment, set by Segment; nil for the whole test.
	part *Part
}

// NewBaseConfig returns the common options with k6's defaults.
func NewBaseConfig(name, typ string) BaseConfig {
	return BaseConfig{
		Name:         name,
		Type:         typ,
		GracefulStop: options.Duration(DefaultGracefulStop),
		Exec:         DefaultExec,
	}
}

// Base returns the common options.
func (b BaseConfig) Base() BaseConfig { return b }

func (b BaseConfig) validate() error {
	var errs []error
	if !nameRE.MatchString(b.Name) {
		errs = append(errs, fieldErr("", "invalid scenario name %q (allowed: letters, digits, _ and -)", b.Name))
	}
	if b.Exec == "" {
		errs = append(errs, fieldErr("exec", "must not be empty (allowed: the name of an exported function)"))
	}
	errs = append(errs, nonNegative("startTime", b.StartTime), nonNegative("gracefulStop", b.GracefulStop))
	return errors.Join(errs...)
}

// plan returns the scenario plan's common part.
func (b BaseConfig) plan() engine.ScenarioPlan {
	return engine.ScenarioPlan{
		Name:         b.Name,
		Executor:     b.Type,
		Exec:         b.Exec,
		Env:          b.Env,
		Tags:         b.Tags,
		StartTime:    b.StartTime.D(),
		GracefulStop: b.GracefulStop.D(),
		InTest:       b.part.inTest(),
	}
}

// Part returns the execution segment part the config was reduced to (nil: the whole test).
func (b BaseConfig) Part() *Part { return b.part }

func nonNegative(path string, d options.Duration) error {
	if d < 0 {
		return fieldErr(path, "must not be negative, got %s", d)
	}
	return nil
}

func checkVUs(path string, n int64) error {
	if n < 1 || n > MaxVUs {
		return fieldErr(path, "must be between 1 and %d, got %d", MaxVUs, n)
	}
	return nil
}

func checkMinDuration(path string, d options.Duration) error {
	if d.D() < MinDuration {
		return fieldErr(path, "must be at least %s, got %s", MinDuration, d)
	}
	return nil
}
