package summary

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/nnprotect/nnjs/engine/metrics"
)

// ErrTrendStat is a summaryTrendStats entry k6 does not know.
var ErrTrendStat = errors.New("invalid summaryTrendStats entry")

// ErrTimeUnit is a summaryTimeUnit other than "", "s", "ms" or "us".
var ErrTimeUnit = errors.New("invalid summaryTimeUnit")

type resolver func(*metrics.Sink) float64

// ValidateTrendStats checks summaryTrendStats entries: avg, min, med, max, count, p(N) with N
// in 0..100. Run it with the other options checks, before the test.
func ValidateTrendStats(stats []string) error {
	_, err := trendResolvers(stats)
	return err
}

// ValidateTimeUnit checks summaryTimeUnit: "" (automatic), "s", "ms" or "us".
func ValidateTimeUnit(unit string) error {
	switch unit {
	case "", "s", "ms", "us":
		return nil
	}
	return fmt.Errorf("%w: %q (use s, ms or us)", ErrTimeUnit, unit)
}

func trendResolvers(stats []string) (map[string]resolver, error) {
	out := make(map[string]resolver, len(stats))
	for _, stat := range stats {
		r, err := trendResolver(stat)
		if err != nil {
			return nil, err
		}
		out[stat] = r
	}
	return out, nil
}

func trendResolver(stat string) (resolver, error) {
	switch stat {
	case "avg":
		return (*metrics.Sink).Avg, nil
	case "min":
		return (*metrics.Sink).MinOrZero, nil
	case "max":
		return (*metrics.Sink).MaxOrZero, nil
	case "med":
		return func(s *metrics.Sink) float64 { return s.Percentile(50) }, nil
	case "count":
		return func(s *metrics.Sink) float64 { return float64(s.Count) }, nil
	}
	inner, ok := strings.CutPrefix(stat, "p(")
	if inner, ok2 := strings.CutSuffix(inner, ")"); ok && ok2 {
		if p, err := strconv.ParseFloat(inner, 64); err == nil && p >= 0 && p <= 100 {
			return func(s *metrics.Sink) float64 { return s.Percentile(p) }, nil
		}
	}
	return nil, fmt.Errorf("%w: %q (use avg, min, med, max, count or p(N))", ErrTrendStat, stat)
}

// valueBuilder computes the `values` of summary metrics.
type valueBuilder struct {
	stats     []string
	resolvers map[string]resolver
	elapsed   time.Duration
}

func (vb valueBuilder) metric(m *metrics.Metric, s *metrics.Sink) Metric {
	return Metric{Type: m.Type.String(), Contains: m.Contains.String(), Values: vb.values(s)}
}

// values follows k6: Counter {count, rate}, Gauge {value, min, max}, Rate {rate, passes,
// fails}, Trend one key per summaryTrendStats entry.
func (vb valueBuilder) values(s *metrics.Sink) map[string]float64 {
	switch s.Type {
	case metrics.Counter:
		rate := 0.0
		if vb.elapsed > 0 {
			rate = s.Sum / vb.elapsed.Seconds()
		}
		return map[string]float64{"count": finite(s.Sum), "rate": finite(rate)}
	case metrics.Gauge:
		return map[string]float64{"value": finite(s.Last), "min": s.MinOrZero(), "max": s.MaxOrZero()}
	case metrics.Rate:
		return map[string]float64{"rate": s.Rate(), "passes": s.Sum, "fails": float64(s.Count) - s.Sum}
	case metrics.Trend:
		out := make(map[string]float64, len(vb.stats))
		for _, stat := range vb.stats {
			out[stat] = finite(vb.resolvers[stat](s))
		}
		return out
	}
	return map[string]float64{}
}
