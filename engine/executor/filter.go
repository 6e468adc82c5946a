package executor

import (
	"fmt"
	"slices"
	"strings"
)

// ErrUnknownScenario is wrapped by Filter's error for a name that is not a scenario; it also
// matches ErrConfig.
var ErrUnknownScenario error = unknownScenarioError{}

type unknownScenarioError struct{}

func (unknownScenarioError) Error() string { return "unknown scenario" }

// Is makes ErrUnknownScenario match ErrConfig.
func (unknownScenarioError) Is(target error) bool { return target == ErrConfig }

// Filter returns the configs named in names, in cfgs' order (k6's --scenario, repeatable;
// each entry may also hold comma-separated names). No names returns cfgs unchanged. A name
// that is not a scenario is an error wrapping ErrUnknownScenario that lists the scenarios.
func Filter(cfgs []Config, names []string) ([]Config, error) {
	want := map[string]bool{}
	for _, entry := range names {
		for n := range strings.SplitSeq(entry, ",") {
			if n = strings.TrimSpace(n); n != "" {
				want[n] = true
			}
		}
	}
	if len(want) == 0 {
		return cfgs, nil
	}
	have := make([]string, len(cfgs))
	for i, c := range cfgs {
		have[i] = c.Base().Name
	}
	var unknown []string
	for n := range want {
		if !slices.Contains(have, n) {
			unknown = append(unknown, n)
		}
	}
	if len(unknown) > 0 {
		slices.Sort(unknown)
		slices.Sort(have)
		return nil, fmt.Errorf("scenario filter: %w %s (allowed: %s)", ErrUnknownScenario,
			quoteAll(unknown), strings.Join(have, ", "))
	}
	var out []Config
	for _, c := range cfgs {
		if want[c.Base().Name] {
			out = append(out, c)
		}
	}
	return out, nil
}

func quoteAll(ss []string) string {
	q := make([]string, len(ss))
	for i, s := range ss {
		q[i] = fmt.Sprintf("%q", s)
	}
	return strings.Join(q, ", ")
}
