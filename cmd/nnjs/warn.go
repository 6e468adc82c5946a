package main

import (
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/nnprotect/nnjs/engine"
	"github.com/nnprotect/nnjs/engine/options"
	"github.com/nnprotect/nnjs/internal/saturation"
)

// nnjsOptionKeys are the options nnjs reads besides k6's.
var nnjsOptionKeys = []string{"db", "integrity"}

// k6OnlyOptionKeys are k6 options nnjs does not implement: they are accepted and ignored, with
// a warning, so a k6 script runs unchanged.
var k6OnlyOptionKeys = []string{
	"blacklistIPs", "blockHostnames", "cloud", "consoleOutput", "dns", "ext", "httpDebug",
	"linger", "localIPs", "metricSamplesBufferSize", "minIterationDuration",
	"noUsageReport", "paused", "rps", "systemTags",
}

// warnOptions warns, as k6 does, about option keys nnjs does not know or does not implement.
func warnOptions(w io.Writer, o options.Options) {
	for _, key := range slices.Sorted(maps.Keys(o.Extra)) {
		switch {
		case slices.Contains(nnjsOptionKeys, key):
		case slices.Contains(k6OnlyOptionKeys, key):
			fmt.Fprintf(w, "WARN: options.%s is a k6 option nnjs does not implement; it is ignored\n", key)
		default:
			msg := fmt.Sprintf("WARN: options.%s is not an option nnjs or k6 knows; it is ignored", key)
			if s := closest(key, append(options.Keys(), nnjsOptionKeys...)); s != "" {
				msg += fmt.Sprintf(" (did you mean %s?)", s)
			}
			fmt.Fprintln(w, msg)
		}
	}
}

// closest returns the candidate within edit distance 2 of key (case-insensitive), or "".
func closest(key string, candidates []string) string {
	best, bestD := "", 3
	for _, c := range candidates {
		if d := editDistance(strings.ToLower(key), strings.ToLower(c)); d < bestD {
			best, bestD = c, d
		}
	}
	return best
}

// editDistance is the Levenshtein distance between a and b (bytes).
func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur := make([]int, len(b)+1)
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev = cur
	}
	return prev[len(b)]
}

// warnDropped warns, once the run is over, about scenarios that could not start every
// iteration they planned (dropped_iterations), saying why.
func warnDropped(w io.Writer, progress []engine.ScenarioProgress) {
	for _, p := range progress {
		if p.Dropped == 0 {
			continue
		}
		if strings.HasSuffix(p.Executor, "arrival-rate") {
			fmt.Fprintf(w, "WARN: scenario %s dropped %d iterations: all its %d VUs were busy when they were due; "+
				"the target was not loaded at the planned rate (raise maxVUs or preAllocatedVUs)\n", p.Name, p.Dropped, p.MaxVUs)
			continue
		}
		fmt.Fprintf(w, "WARN: scenario %s dropped %d iterations: its maxDuration ended before they started\n", p.Name, p.Dropped)
	}
}

// warnSeries warns once, as k6 does, when the run outgrew the collector's series limit.
func (r *execution) warnSeries() {
	if r.collector.Overflowed() == 0 || r.seriesWarned.Swap(true) {
		return
	}
	r.log.Warn(fmt.Sprintf("the run reached %d distinct time series (metric x tag set), the limit (--max-series): "+
		"samples of new tag sets are recorded without their tags, so every metric's total stays exact but "+
		"sub-metric thresholds on them are not judged. A unique URL per request does this: group URLs with a "+
		"name tag (http.get(url, { tags: { name: 'wallet' } })) or http.url`...`", r.flags.maxSeries))
}

// saturationCause says, for the progress line, why the generator is saturated now.
func saturationCause(st saturation.Status) string {
	var why []string
	if st.SchedP99 > saturation.SchedP99Threshold {
		why = append(why, fmt.Sprintf("scheduling p99 %s", st.SchedP99.Round(100*time.Microsecond)))
	}
	if st.GCJudged && st.GCShare > saturation.GCShareThreshold {
		why = append(why, fmt.Sprintf("GC %.0f%% of CPU", 100*st.GCShare))
	}
	return "generator saturated (" + strings.Join(why, ", ") + ")"
}

// warnSaturation warns, once the run is over, when the load generator itself was saturated
// at some point: the latencies it measured then include its own delay.
func warnSaturation(w io.Writer, rep saturation.Report) {
	if !rep.Saturated {
		return
	}
	fmt.Fprintf(w, "WARN: the load generator was saturated in %d of %d checks (once a second, each over the last %d s; goroutine scheduling "+
		"latency p99 up to %.1f ms, threshold %.0f ms; garbage collection up to %.0f%% of its CPU, threshold %.0f%%): "+
		"latencies measured then include nnjs's own delay, not only the server's; give nnjs more CPU or run fewer VUs\n",
		rep.SaturatedWindows, rep.Windows, rep.WindowSeconds, rep.WorstSchedP99Ms, rep.SchedP99ThresholdMs,
		100*rep.WorstGCShare, 100*rep.GCShareThreshold)
}
