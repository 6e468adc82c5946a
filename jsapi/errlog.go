package jsapi

import (
	"errors"
	"log/slog"
	"sync"
	"time"
)

// errorLog logs uncaught iteration exceptions, at most once per interval for the same message;
// the repeats in between are counted and reported with the next log of that message.
// It is safe for concurrent use; it is only reached on errors, never on the happy path.
type errorLog struct {
	logger *slog.Logger
	every  time.Duration
	mu     sync.Mutex
	seen   map[string]*errorSeen
}

type errorSeen struct {
	last       time.Time
	suppressed int
}

// maxErrorKeys bounds the memory of the rate limiter when messages are all different.
const maxErrorKeys = 1024

func newErrorLog(l *slog.Logger, every time.Duration) *errorLog {
	if every <= 0 {
		every = 5 * time.Second
	}
	return &errorLog{logger: l, every: every, seen: map[string]*errorSeen{}}
}

// log reports err raised by VU id, unless the same message was logged less than every ago.
func (l *errorLog) log(id uint64, err error) {
	msg, stack := err.Error(), ""
	var se *ScriptError
	if errors.As(err, &se) {
		stack = se.Stack
	}
	now := time.Now()
	l.mu.Lock()
	s, ok := l.seen[msg]
	if ok && now.Sub(s.last) < l.every {
		s.suppressed++
		l.mu.Unlock()
		return
	}
	if !ok {
		if len(l.seen) >= maxErrorKeys {
			clear(l.seen)
		}
		s = &errorSeen{}
		l.seen[msg] = s
	}
	suppressed := s.suppressed
	s.last, s.suppressed = now, 0
	l.mu.Unlock()
	attrs := []any{"source", "iteration", "vu", id}
	if stack != "" {
		attrs = append(attrs, "stack", stack)
	}
	if suppressed > 0 {
		attrs = append(attrs, "suppressed", suppressed)
	}
	l.logger.Error("uncaught exception: "+msg, attrs...)
}
