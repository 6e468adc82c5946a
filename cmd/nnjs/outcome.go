package main

import (
	"fmt"
	"strings"
	"time"

	"github.com/nnprotect/nnjs/engine/metrics"
	"github.com/nnprotect/nnjs/engine/threshold"
	"github.com/nnprotect/nnjs/integrity"
)

// outcome is how one script's run ended: what a suite's table and the JUnit report state
// about it. A script that did not run (the suite stopped first) has notRun set.
type outcome struct {
	name   string // the suite entry's name (the script's path for a single run)
	script string
	code   int
	start  time.Time
	took   time.Duration
	// err stopped the script before its load (flags, compile, init, database): nothing was
	// judged.
	err     error
	notRun  string // why the script did not run
	judged  bool   // the run reached its verdict
	verdict verdict
	results threshold.Results
	checks  checkCounts
	// integrityAsked is set when the run had integrity checks; then either integrity holds
	// their report or integrityNotJudged says why there is none.
	integrityAsked     bool
	integrity          *integrity.Report
	integrityNotJudged string
	figures            []keyFigure
	// record is the run record as JSON, the same bytes as in the run's other outputs (nil
	// when the run stopped before it was made); recordFields are its headline fields.
	record       []byte
	recordFields []keyFigure
	report       string // the HTML report the run wrote ("" for none)
}

// checkCounts are the passes and failures of the script's check() calls.
type checkCounts struct{ passed, failed uint64 }

// keyFigure is one headline number of a run (JUnit properties).
type keyFigure struct{ name, value string }

// failed records an error that stopped the script before its load and returns o.
func (o *outcome) failed(code int, err error) *outcome {
	o.code, o.err, o.took = code, err, time.Since(o.start)
	return o
}

// judge takes what the judged run r found, and its exit code.
func (o *outcome) judge(r *execution, code int) {
	o.code, o.took, o.judged = code, time.Since(o.start), true
	o.verdict = r.verdict
	o.results = r.results
	o.integrityAsked = r.db.integrity != nil
	o.integrity, o.integrityNotJudged = r.report.integrity, r.report.notJudged
	if r.rp != nil && r.rp.written {
		o.report = r.rp.path
	}
	if r.record != nil {
		o.record, _ = r.recordJSON() // a Record always marshals; the other outputs say so if not
		o.recordFields = []keyFigure{{"run.id", r.record.ID}, {"nnjs.version", r.record.NNJS.Version},
			{"nnjs.revision", r.record.NNJS.Revision}, {"host", r.record.Host}, {"script.sha256", r.record.Script.SHA256}}
	}
	if r.final == nil { // the database was unusable before the load
		return
	}
	reg := r.script.registry
	if m := reg.Get(metrics.Checks); m != nil {
		s := r.final.Aggregate(m, nil)
		o.checks = checkCounts{passed: uint64(s.Sum), failed: s.Count - uint64(s.Sum)}
	}
	o.figures = keyFigures(r.final, reg)
}

// keyFigures are the run's headline numbers, for the metrics that have samples.
func keyFigures(snap *metrics.Snapshot, reg *metrics.Registry) []keyFigure {
	var out []keyFigure
	add := func(metric, stat string, value func(*metrics.Sink) string) {
		if m := reg.Get(metric); m != nil {
			if s := snap.Aggregate(m, nil); s.Count > 0 {
				out = append(out, keyFigure{metric + "." + stat, value(s)})
			}
		}
	}
	count := func(s *metrics.Sink) string { return fmt.Sprintf("%g", s.Sum) }
	ms := func(p float64) func(*metrics.Sink) string {
		return func(s *metrics.Sink) string { return fmt.Sprintf("%.3fms", s.Percentile(p)) }
	}
	add(metrics.Iterations, "count", count)
	add(metrics.HTTPReqs, "count", count)
	add(metrics.HTTPReqFailed, "rate", func(s *metrics.Sink) string { return fmt.Sprintf("%g", s.Rate()) })
	add(metrics.HTTPReqDuration, "p(95)", ms(95))
	add(metrics.HTTPReqDuration, "p(99)", ms(99))
	add(metrics.IterationDuration, "p(95)", ms(95))
	return out
}

// meaning is what the exit code means for this run: 110 is either a failed critical
// integrity check or exec.test.fail(), and the run knows which.
func (o *outcome) meaning() string {
	if o.code == exitMarkedFailed {
		integrityFailed := o.integrity != nil && o.integrity.CriticalFailed()
		marked := false
		for _, it := range o.verdict.items {
			marked = marked || it.state == itemFailed && it.code == exitMarkedFailed && !it.itemized
		}
		switch {
		case integrityFailed && marked:
			return "a critical integrity check failed and the script called exec.test.fail()"
		case integrityFailed:
			return "a critical integrity check failed"
		case marked:
			return "the script marked the run failed (exec.test.fail())"
		}
	}
	return exitMeaning(o.code)
}

// crossed returns how many thresholds were crossed.
func (o *outcome) crossed() int { return len(o.results.Failures()) }

// thresholdsCell is the suite table's thresholds column: "-" without thresholds.
func (o *outcome) thresholdsCell() string {
	if len(o.results) == 0 {
		return "-"
	}
	if n := o.crossed(); n > 0 {
		return fmt.Sprintf("%d of %d crossed", n, len(o.results))
	}
	return fmt.Sprintf("%d passed", len(o.results))
}

// checksCell is the suite table's checks column: "-" without checks.
func (o *outcome) checksCell() string {
	if o.checks.passed+o.checks.failed == 0 {
		return "-"
	}
	return fmt.Sprintf("%d ✓ %d ✗", o.checks.passed, o.checks.failed)
}

// integrityCell is the suite table's integrity column: "-" without integrity checks.
func (o *outcome) integrityCell() string {
	switch {
	case !o.integrityAsked:
		return "-"
	case o.integrity == nil:
		return "not judged"
	case o.integrity.CriticalFailed():
		var ids []string
		for _, res := range o.integrity.Results {
			if res.Severity == integrity.Critical && res.Failed() {
				ids = append(ids, res.ID)
			}
		}
		return "FAILED " + strings.Join(ids, ",")
	}
	return "passed"
}
