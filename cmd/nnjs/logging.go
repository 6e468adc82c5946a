package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"sync"
	"time"
)

// consoleHandler writes log records the way k6 does:
//
//	INFO[0003] payment refused  source=console vu=12
//
// The bracket holds whole seconds since the run started.
type consoleHandler struct {
	mu      *sync.Mutex
	w       io.Writer
	start   time.Time
	noColor bool
	attrs   []slog.Attr
}

func newConsoleLogger(w io.Writer, start time.Time, noColor bool) *slog.Logger {
	return slog.New(&consoleHandler{mu: &sync.Mutex{}, w: w, start: start, noColor: noColor})
}

func (h *consoleHandler) Enabled(context.Context, slog.Level) bool { return true }

func (h *consoleHandler) Handle(_ context.Context, r slog.Record) error {
	var b strings.Builder
	level, colour := levelName(r.Level)
	if !h.noColor {
		b.WriteString(colour)
	}
	fmt.Fprintf(&b, "%s[%04d]", level, int(r.Time.Sub(h.start).Seconds()))
	if !h.noColor {
		b.WriteString("\x1b[0m")
	}
	b.WriteByte(' ')
	b.WriteString(r.Message)
	write := func(a slog.Attr) bool {
		if a.Key == "stack" {
			return true // printed below the line
		}
		fmt.Fprintf(&b, "  %s=%v", a.Key, a.Value)
		return true
	}
	for _, a := range h.attrs {
		write(a)
	}
	var stack string
	r.Attrs(func(a slog.Attr) bool {
		if a.Key == "stack" {
			stack = a.Value.String()
		}
		return write(a)
	})
	b.WriteByte('\n')
	if stack != "" {
		for _, line := range strings.Split(strings.TrimRight(stack, "\n"), "\n") {
			b.WriteString("\t" + line + "\n")
		}
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	_, err := io.WriteString(h.w, b.String())
	return err
}

func (h *consoleHandler) WithAttrs(as []slog.Attr) slog.Handler {
	c := *h
	c.attrs = append(append([]slog.Attr(nil), h.attrs...), as...)
	return &c
}

// WithGroup is not used by nnjs's loggers; groups are flattened into the attributes.
func (h *consoleHandler) WithGroup(string) slog.Handler { return h }

func levelName(l slog.Level) (name, colour string) {
	switch {
	case l >= slog.LevelError:
		return "ERRO", "\x1b[31m"
	case l >= slog.LevelWarn:
		return "WARN", "\x1b[33m"
	case l >= slog.LevelInfo:
		return "INFO", "\x1b[36m"
	}
	return "DEBU", "\x1b[37m"
}
