package k6http

import (
	"log/slog"
	"time"
)

// failureLogEvery is the least time between two "request failed" warnings of one VU; the
// failures in between are counted and reported with the next warning.
const failureLogEvery = 5 * time.Second

// failureLog warns, at most once per failureLogEvery, that a request failed at the transport
// level, naming the address and the error, so an unreachable target is obvious in the log and
// not only as http_req_failed in the summary. It belongs to one VU (no locking).
type failureLog struct {
	last       time.Time
	suppressed int
	now        func() time.Time // nil: time.Now
}

func (f *failureLog) warn(l *slog.Logger, method, url string, r *result) {
	now := time.Now
	if f.now != nil {
		now = f.now
	}
	t := now()
	if !f.last.IsZero() && t.Sub(f.last) < failureLogEvery {
		f.suppressed++
		return
	}
	attrs := []any{"method", method, "url", url, "error", r.msg, "error_code", r.code}
	if f.suppressed > 0 {
		attrs = append(attrs, "suppressed", f.suppressed)
	}
	l.Warn("request failed", attrs...)
	f.last, f.suppressed = t, 0
}
