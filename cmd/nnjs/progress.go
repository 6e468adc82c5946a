package main

import (
	"context"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/nnprotect/nnjs/engine"
	"github.com/nnprotect/nnjs/internal/saturation"
)

// Progress refresh periods: a live line on a terminal, a plain line every 10s elsewhere (CI).
const (
	progressTTYEvery   = 200 * time.Millisecond
	progressPlainEvery = 10 * time.Second
)

// progressSource reports the progress of every scenario; *engine.Engine is one.
type progressSource interface {
	Progress() []engine.ScenarioProgress
}

// progress prints the run's progress to w until its loop's context is done.
type progress struct {
	w      io.Writer
	tty    bool
	source progressSource
	start  time.Time
	// saturation is the generator's state over the last window (nil: not shown).
	saturation func() saturation.Status
}

func newProgress(w io.Writer, tty bool, src progressSource, start time.Time) *progress {
	return &progress{w: w, tty: tty, source: src, start: start}
}

func (p *progress) loop(ctx context.Context) {
	every := progressPlainEvery
	if p.tty {
		every = progressTTYEvery
	}
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			if p.tty {
				fmt.Fprintf(p.w, "\r\x1b[K%s\n", p.line(time.Now()))
			}
			return
		case now := <-t.C:
			if p.tty {
				fmt.Fprintf(p.w, "\r\x1b[K%s", p.line(now))
			} else {
				fmt.Fprintln(p.w, p.line(now))
			}
		}
	}
}

// line renders one status line: elapsed time, VUs, iterations, then each scenario.
func (p *progress) line(now time.Time) string {
	var vus, maxVUs, done, interrupted, dropped int64
	var parts []string
	for _, s := range p.source.Progress() {
		vus += s.ActiveVUs
		maxVUs += s.MaxVUs
		done += s.Completed
		interrupted += s.Interrupted
		dropped += s.Dropped
		parts = append(parts, scenarioPart(s))
	}
	l := fmt.Sprintf("running (%s), %d/%d VUs, %d complete and %d interrupted iterations",
		clock(now.Sub(p.start)), vus, maxVUs, done, interrupted)
	if dropped > 0 {
		l += fmt.Sprintf(", %d dropped", dropped)
	}
	l += "  " + strings.Join(parts, " ")
	if p.saturation != nil {
		if st := p.saturation(); st.Saturated {
			l += "  WARN: " + saturationCause(st)
		}
	}
	return l
}

func scenarioPart(s engine.ScenarioProgress) string {
	switch s.Status {
	case engine.Waiting:
		return fmt.Sprintf("%s [waiting]", s.Name)
	case engine.Skipped:
		return fmt.Sprintf("%s [skipped]", s.Name)
	}
	return fmt.Sprintf("%s [%3.0f%%]", s.Name, 100*s.Fraction)
}

// clock formats d as 01m02.3s, like k6's progress.
func clock(d time.Duration) string {
	m := int(d / time.Minute)
	sec := (d - time.Duration(m)*time.Minute).Seconds()
	return fmt.Sprintf("%02dm%04.1fs", m, sec)
}
