package executor

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/nnprotect/nnjs/engine"
	"github.com/nnprotect/nnjs/engine/options"
)

// DefaultScenarioName names the scenario derived from the shortcut options, as in k6.
const DefaultScenarioName = "default"

// FromOptions returns the validated scenario configs of o, using the built-in executor types:
// see (*Registry).FromOptions.
func FromOptions(o options.Options) ([]Config, error) {
	return NewRegistry(Builtin()...).FromOptions(o)
}

// FromOptions returns the validated scenario configs of o, sorted by startTime then name.
// Scenarios come from o.Scenarios or from k6's shortcut options:
//
//   - iterations (+ vus, + duration as maxDuration) → shared-iterations
//   - duration (+ vus) → constant-vus
//   - stages (+ vus as startVUs) → ramping-vus
//   - only vus → shared-iterations with iterations = vus
//   - nothing (or empty stages/scenarios) → per-vu-iterations, 1 VU × 1 iteration
//
// iterations, duration and stages conflict with each other as in k6 (iterations with
// duration is allowed) and with scenarios. Errors wrap ErrConfig and name the option.
//
// When o.ExecutionSegment or o.ExecutionSegmentSequence is set, every config is reduced to
// this process's part (see PartFromOptions and Config.Segment).
func (r *Registry) FromOptions(o options.Options) ([]Config, error) {
	part, err := PartFromOptions(o)
	if err != nil {
		return nil, err
	}
	cfgs, err := r.derive(o)
	if err != nil {
		return nil, err
	}
	if part != nil {
		for i, c := range cfgs {
			cfgs[i] = c.Segment(part)
		}
	}
	slices.SortFunc(cfgs, func(a, b Config) int {
		pa, pb := a.Base(), b.Base()
		if pa.StartTime != pb.StartTime {
			return int(min(max(pa.StartTime-pb.StartTime, -1), 1))
		}
		return strings.Compare(pa.Name, pb.Name)
	})
	return cfgs, nil
}

func (r *Registry) derive(o options.Options) ([]Config, error) {
	if err := shortcutConflict(o); err != nil {
		return nil, err
	}
	var (
		cfg    Config
		rename map[string]string // shortcut-made config field → option name
	)
	switch {
	case o.Iterations != nil:
		c := NewSharedIterations(DefaultScenarioName)
		c.Iterations = *o.Iterations
		setIf(&c.VUs, o.VUs)
		if o.Duration != nil {
			c.MaxDuration = *o.Duration
		}
		cfg, rename = c, map[string]string{"maxDuration": "duration"}
	case o.Duration != nil:
		if *o.Duration <= 0 {
			return nil, fieldErr("duration", "must be more than 0 (allowed: a duration of at least %s)", MinDuration)
		}
		c := NewConstantVUs(DefaultScenarioName)
		c.Duration = *o.Duration
		setIf(&c.VUs, o.VUs)
		cfg = c
	case len(o.Stages) > 0:
		c := NewRampingVUs(DefaultScenarioName)
		for _, st := range o.Stages {
			c.Stages = append(c.Stages, Stage{Duration: st.Duration, Target: st.Target})
		}
		setIf(&c.StartVUs, o.VUs)
		cfg, rename = c, map[string]string{"startVUs": "vus"}
	case o.VUs != nil && o.Scenarios == nil:
		c := NewSharedIterations(DefaultScenarioName)
		c.VUs, c.Iterations = *o.VUs, *o.VUs
		cfg, rename = c, map[string]string{"iterations": "vus"}
	case len(o.Scenarios) > 0:
		return r.decodeScenarios(o)
	default:
		cfg = NewPerVUIterations(DefaultScenarioName)
	}
	if err := cfg.Validate(); err != nil {
		return nil, repath(err, "", rename)
	}
	return []Config{cfg}, nil
}

// shortcutConflict reports k6's conflicts between shortcut options and scenarios.
func shortcutConflict(o options.Options) error {
	const hint = "(allowed: one of iterations (with optional duration), duration, stages or scenarios; vus goes with any shortcut)"
	set := []struct {
		name string
		on   bool
	}{
		{"iterations", o.Iterations != nil},
		{"duration", o.Duration != nil && o.Iterations == nil},
		{"stages", len(o.Stages) > 0},
		{"scenarios", o.Scenarios != nil},
	}
	for i, a := range set {
		for _, b := range set[i+1:] {
			if a.on && b.on {
				return fieldErr(a.name, "cannot be used together with %s %s", b.name, hint)
			}
		}
	}
	return nil
}

func setIf(dst *int64, v *int64) {
	if v != nil {
		*dst = *v
	}
}

// decodeScenarios decodes and validates every entry of o.Scenarios.
func (r *Registry) decodeScenarios(o options.Options) ([]Config, error) {
	var (
		cfgs []Config
		errs []error
	)
	names := make([]string, 0, len(o.Scenarios))
	for name := range o.Scenarios {
		names = append(names, name)
	}
	slices.Sort(names)
	for _, name := range names {
		prefix := "scenarios." + name
		if !nameRE.MatchString(name) {
			errs = append(errs, fieldErr(prefix, "invalid scenario name (allowed: letters, digits, _ and -)"))
			continue
		}
		cfg, err := r.Decode(name, o.Scenarios[name])
		if err == nil {
			err = cfg.Validate()
		}
		if err != nil {
			errs = append(errs, repath(err, prefix, nil))
			continue
		}
		cfgs = append(cfgs, cfg)
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	return cfgs, nil
}

// repath prefixes the paths of the *FieldError values in err, renaming fields first.
func repath(err error, prefix string, rename map[string]string) error {
	var errs []error
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		for _, e := range j.Unwrap() {
			errs = append(errs, repath(e, prefix, rename))
		}
		return errors.Join(errs...)
	}
	var fe *FieldError
	if !errors.As(err, &fe) {
		if prefix == "" {
			return err
		}
		return fmt.Errorf("%s: %w", prefix, err)
	}
	path := fe.Path
	if to, ok := rename[path]; ok {
		path = to
	}
	switch {
	case prefix == "":
	case path == "":
		path = prefix
	default:
		path = prefix + "." + path
	}
	return &FieldError{Path: path, Msg: fe.Msg}
}

// PartFromOptions returns the part of the test this process runs, from k6's
// executionSegment ("1/3:2/3") and executionSegmentSequence ("0,1/3,2/3,1") options; nil for
// the whole test. Errors name the option and wrap ErrSegment (and so ErrConfig).
func PartFromOptions(o options.Options) (*Part, error) {
	seg, err := ParseSegment(o.ExecutionSegment)
	if err != nil {
		return nil, fmt.Errorf("executionSegment: %w", err)
	}
	seq, err := ParseSequence(o.ExecutionSegmentSequence)
	if err != nil {
		return nil, fmt.Errorf("executionSegmentSequence: %w", err)
	}
	part, err := NewPart(seg, seq)
	if err != nil {
		return nil, fmt.Errorf("executionSegment: %w", err)
	}
	return part, nil
}

// Scenarios returns cfgs as the engine's scenarios (for engine.Config.Scenarios).
func Scenarios(cfgs []Config) []engine.Scenario {
	out := make([]engine.Scenario, len(cfgs))
	for i, c := range cfgs {
		out[i] = c
	}
	return out
}
