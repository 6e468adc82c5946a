package main

import (
	"context"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/nnprotect/nnjs/engine/metrics"
	"github.com/nnprotect/nnjs/internal/dashboard"
	"github.com/nnprotect/nnjs/internal/report"
)

// defaultDashboard is where --dashboard alone listens (k6's port, loopback only).
const defaultDashboard = "127.0.0.1:5665"

// snapshotPoll is how often the report's sampler looks for a new metrics snapshot; a column
// is added only when the collector published one (once a second).
const snapshotPoll = 200 * time.Millisecond

// reporting is the run's HTML report, live dashboard and the time series the result file
// carries. It exists only when one of them is asked for, so a run without them builds no
// time series.
type reporting struct {
	sampler *report.Sampler
	dash    *dashboard.Server
	path    string        // --report FILE.html
	written bool          // path was written
	hold    time.Duration // --dashboard-hold
	title   string
}

// newReporting starts the dashboard's listener (so a busy port fails before the load) and
// returns nil when no output needs the time series.
func newReporting(a *app, f *runFlags, script string) (*reporting, error) {
	if f.report == "" && f.dashboard == "" && f.outs.result == "" {
		return nil, nil
	}
	rp := &reporting{sampler: report.NewSampler(time.Second), path: f.report, hold: f.dashboardHold,
		title: "nnjs report: " + filepath.Base(script)}
	if f.dashboardHold < 0 {
		return nil, fmt.Errorf("--dashboard-hold: %s is negative", f.dashboardHold)
	}
	if f.dashboard == "" {
		return rp, nil
	}
	addr, err := dashboardAddr(f.dashboard)
	if err != nil {
		return nil, err
	}
	if rp.dash, err = dashboard.Listen(addr); err != nil {
		return nil, fmt.Errorf("--dashboard: %w", err)
	}
	go func() { _ = rp.dash.Serve() }()
	fmt.Fprintf(a.stderr, "nnjs run: dashboard on %s\n", rp.dash.URL())
	if !loopbackAddr(addr) {
		fmt.Fprintf(a.stderr, "nnjs run: warning: the dashboard listens beyond this machine (%s): anyone who reaches it sees the run\n", addr)
	}
	return rp, nil
}

// dashboardAddr completes a --dashboard address: a port alone (":5665" or "5665") listens on
// loopback.
func dashboardAddr(v string) (string, error) {
	if !strings.Contains(v, ":") {
		v = ":" + v
	}
	host, port, err := net.SplitHostPort(v)
	if err != nil || port == "" {
		return "", fmt.Errorf("--dashboard %q: want HOST:PORT or PORT, e.g. %s", v, defaultDashboard)
	}
	if host == "" {
		host = "127.0.0.1"
	}
	return net.JoinHostPort(host, port), nil
}

// loopbackAddr reports whether addr (host:port) listens on this machine only.
func loopbackAddr(addr string) bool {
	host, _, _ := net.SplitHostPort(addr)
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// loop adds a timeline column for every new snapshot and, with a dashboard, publishes the live
// page's data built by live; it returns when ctx is done.
func (rp *reporting) loop(ctx context.Context, snapshot func() *metrics.Snapshot, live func(*report.Timeline) *report.Data) {
	t := time.NewTicker(snapshotPoll)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		if rp.sampler.Observe(snapshot()) && rp.dash != nil {
			d := live(rp.sampler.Timeline())
			d.Title = rp.title
			rp.dash.Publish(d)
		}
	}
}

// timeline adds the final snapshot's column and returns the whole timeline (nil without
// reporting).
func (rp *reporting) timeline(final *metrics.Snapshot) *report.Timeline {
	if rp == nil {
		return nil
	}
	rp.sampler.Observe(final)
	return rp.sampler.Timeline()
}

// finish writes --report and shows the final report on the dashboard.
func (rp *reporting) finish(a *app, d *report.Data) error {
	if rp == nil {
		return nil
	}
	d.Title = rp.title
	if rp.dash != nil {
		if err := rp.dash.Finish(d); err != nil {
			return fmt.Errorf("--dashboard: %w", err)
		}
	}
	if rp.path == "" {
		return nil
	}
	if err := writeReportFile(rp.path, d); err != nil {
		return err
	}
	rp.written = true
	fmt.Fprintf(a.stderr, "nnjs run: report written to %s\n", rp.path)
	return nil
}

// holdDashboard keeps the dashboard serving the final report for --dashboard-hold, or until
// Ctrl-C.
func (rp *reporting) holdDashboard(a *app) {
	if rp == nil || rp.dash == nil || rp.hold <= 0 {
		return
	}
	fmt.Fprintf(a.stderr, "nnjs run: the dashboard serves the final report on %s for %s (Ctrl-C to stop)\n", rp.dash.URL(), rp.hold)
	ctx, leave := a.interrupts.enter(a.ctx, "stopping the dashboard")
	defer leave()
	select {
	case <-time.After(rp.hold):
	case <-ctx.Done():
	}
}

// close stops the dashboard.
func (rp *reporting) close() {
	if rp == nil || rp.dash == nil {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	_ = rp.dash.Close(ctx)
}

// writeReportFile writes the page to path through a temporary file, so a reader never sees
// half a report.
func writeReportFile(path string, d *report.Data) error {
	if err := writeFileAtomic(path, func(f *os.File) error { return report.WriteHTML(f, d) }); err != nil {
		return fmt.Errorf("report %s: %w", path, err)
	}
	return nil
}
