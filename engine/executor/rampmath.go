package executor

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"math/bits"
	"time"

	"github.com/nnprotect/nnjs/engine/options"
)

// Stage is one step of a ramping executor: go linearly to Target over Duration.
type Stage struct {
	Duration options.Duration `json:"duration"`
	Target   int64            `json:"target"`
}

// Stages is a list of stages; it decodes strictly (both fields required, no others).
type Stages []Stage

// UnmarshalJSON decodes an array of {duration, target} objects, naming the stage at fault.
func (ss *Stages) UnmarshalJSON(b []byte) error {
	var raws []json.RawMessage
	if err := json.Unmarshal(b, &raws); err != nil {
		return errors.New("expected an array of {duration, target} objects")
	}
	out := make(Stages, len(raws))
	for i, raw := range raws {
		var st struct {
			Duration *options.Duration `json:"duration"`
			Target   *int64            `json:"target"`
		}
		dec := json.NewDecoder(bytes.NewReader(raw))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&st); err != nil {
			return fmt.Errorf("stage %d: %s (allowed: duration, target)", i+1, describeJSONError(err))
		}
		if st.Duration == nil || st.Target == nil {
			return fmt.Errorf("stage %d: needs both duration and target", i+1)
		}
		out[i] = Stage{Duration: *st.Duration, Target: *st.Target}
	}
	*ss = out
	return nil
}

// validateStages checks a ramping executor's stages (k6's rules): at least one, no target
// below 0 or above maxTarget, no negative duration, a total that fits a time.Duration.
func validateStages(stages Stages, maxTarget int64) []error {
	var errs []error
	if len(stages) == 0 {
		errs = append(errs, fieldErr("stages", "at least one stage is required (allowed: [{duration, target}, ...])"))
	}
	for i, st := range stages {
		if st.Target < 0 || st.Target > maxTarget {
			errs = append(errs, fieldErr("stages", "stage %d: target must be between 0 and %d, got %d", i+1, maxTarget, st.Target))
		}
		if st.Duration < 0 {
			errs = append(errs, fieldErr("stages", "stage %d: duration must not be negative, got %s", i+1, st.Duration))
		}
	}
	if stagesDuration(stages) == math.MaxInt64 {
		errs = append(errs, fieldErr("stages", "total duration is too long"))
	}
	return errs
}

// stagesDuration returns the sum of the stages' durations (saturating).
func stagesDuration(stages []Stage) time.Duration {
	var total time.Duration
	for _, st := range stages {
		d := st.Duration.D()
		if d > 0 && total > math.MaxInt64-d {
			return math.MaxInt64
		}
		total += d
	}
	return total
}

// rampTarget returns how many VUs a ramping executor that starts with from VUs runs at
// elapsed time t: within a stage the count moves linearly towards the target, rounded towards
// the stage's starting count (k6's steps); a zero-duration stage jumps; after the last stage
// it stays at the last target.
func rampTarget(from int64, stages []Stage, t time.Duration) int64 {
	t = max(t, 0)
	var off time.Duration
	for _, st := range stages {
		d := st.Duration.D()
		if t-off < d {
			return from + scaleDown(st.Target-from, t-off, d)
		}
		off += d
		from = st.Target
	}
	return from
}

// rampNext returns the earliest time after t at which rampTarget may change (the next
// whole-VU crossing or stage end), and false when t is past the last stage.
func rampNext(from int64, stages []Stage, t time.Duration) (time.Duration, bool) {
	t = max(t, 0)
	var off time.Duration
	for _, st := range stages {
		d := st.Duration.D()
		if t-off < d {
			diff := st.Target - from
			if diff == 0 {
				return off + d, true
			}
			moved := abs(scaleDown(diff, t-off, d))
			return off + ceilMulDiv(d, moved+1, abs(diff)), true
		}
		off += d
		from = st.Target
	}
	return 0, false
}

// scaleDown returns diff*e/d truncated towards zero, for 0 <= e < d, without overflow.
func scaleDown(diff int64, e, d time.Duration) int64 {
	hi, lo := bits.Mul64(uint64(abs(diff)), uint64(e))
	q, _ := bits.Div64(hi, lo, uint64(d))
	if diff < 0 {
		return -int64(q)
	}
	return int64(q)
}

// ceilMulDiv returns ⌈d*k/n⌉ for 0 < k <= n, without overflow.
func ceilMulDiv(d time.Duration, k, n int64) time.Duration {
	hi, lo := bits.Mul64(uint64(d), uint64(k))
	q, r := bits.Div64(hi, lo, uint64(n))
	if r > 0 {
		q++
	}
	return time.Duration(q)
}

func abs(n int64) int64 {
	if n < 0 {
		return -n
	}
	return n
}
