package main

import (
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"

	"github.com/nnprotect/nnjs/engine/options"
	"github.com/nnprotect/nnjs/engine/threshold"
	"github.com/nnprotect/nnjs/internal/stream"
)

// openStream opens the --out json= and csv= files of a run (nil when there is none).
func openStream(files []stream.File, ths map[string]options.Thresholds) (*stream.Output, error) {
	if len(files) == 0 {
		return nil, nil
	}
	cfg := stream.Config{Thresholds: map[string][]string{}, Submetrics: map[string][]stream.Submetric{}}
	for _, key := range slices.Sorted(maps.Keys(ths)) {
		name, filter, err := threshold.ParseKey(key) // validated in loadScript
		if err != nil {
			return nil, err
		}
		if filter.Len() > 0 {
			sub := threshold.SubMetricName(name, filter)
			cfg.Submetrics[name] = append(cfg.Submetrics[name], stream.Submetric{
				Name: sub, Suffix: strings.TrimSuffix(strings.TrimPrefix(sub, name+"{"), "}"), Tags: filter.Map()})
			continue
		}
		for _, t := range ths[key] {
			cfg.Thresholds[name] = append(cfg.Thresholds[name], t.Source)
		}
	}
	return stream.Open(files, cfg)
}

// closeStream writes what the --out json=/csv= files still have queued and closes them; a
// write error fails the run's outputs (exit 104), dropped samples are warned about.
func (r *execution) closeStream(w io.Writer) {
	if r.stream == nil {
		return
	}
	err := r.stream.Close()
	names := r.flags.outs.streamNames()
	if err != nil {
		r.verdict.fail(exitInvalidConfig, fmt.Errorf("--out: %w", err), "%s was not written completely", names)
	}
	if st := r.stream.Stats(); st.Dropped > 0 {
		fmt.Fprintf(w, "WARN: %s lacks %d of the run's %d samples: they were recorded faster than they could be written "+
			"(or after a write error); the summary and thresholds count them all\n", names, st.Dropped, st.Dropped+st.Written)
	}
}
