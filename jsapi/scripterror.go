package jsapi

import (
	"errors"
	"fmt"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"sync"

	"github.com/dop251/goja"

	"github.com/nnprotect/nnjs/jsapi/eventloop"
)

// ScriptError is a syntax error or an uncaught JavaScript exception, located in the user's
// original source (not the bundle). cmd maps it to exit code 107 when it happens before the
// load (compile, init, setup).
type ScriptError struct {
	File      string // original file (absolute path), "" when unknown
	Line, Col int    // 1-based; 0 when unknown
	Msg       string // the error message
	Stack     string // the JS stack, one "at ..." line per frame, mapped to the original files
	// cause is the exception; Unwrap gives the Go error a native function threw with it
	// (goja's GoError), so callers can branch on it with errors.Is/As.
	cause error
}

// Unwrap returns the Go error a native function threw, if any.
func (e *ScriptError) Unwrap() error {
	var ex *goja.Exception
	if errors.As(e.cause, &ex) {
		return ex.Unwrap()
	}
	return nil
}

func (e *ScriptError) Error() string {
	if e.File == "" {
		return e.Msg
	}
	return fmt.Sprintf("%s:%d:%d: %s", e.File, e.Line, e.Col, e.Msg)
}

// scriptErrorFrom turns an error returned by goja into a *ScriptError with source-mapped
// positions. Interrupts are not script errors and are returned as they are.
func scriptErrorFrom(err error) error {
	var ie *goja.InterruptedError
	if errors.As(err, &ie) {
		return err
	}
	var ex *goja.Exception
	if !errors.As(err, &ex) {
		var se *goja.CompilerSyntaxError
		if errors.As(err, &se) && se.File != nil {
			p := se.File.Position(se.Offset)
			return &ScriptError{File: cleanFile(p.Filename), Line: p.Line, Col: p.Column, Msg: se.Message}
		}
		return err
	}
	se := &ScriptError{Msg: exceptionMessage(ex), cause: ex}
	se.locate(ex.Stack())
	return se
}

// locate sets the error's position (the innermost frame, or the first one with a file) and
// its Stack from frames.
func (e *ScriptError) locate(frames []goja.StackFrame) {
	var b strings.Builder
	for i, f := range frames {
		p := f.Position()
		file := cleanFile(p.Filename)
		if i == 0 || e.File == "" && file != "" {
			e.File, e.Line, e.Col = file, p.Line, p.Column
		}
		b.WriteString("\tat ")
		if fn := f.FuncName(); fn != "" {
			b.WriteString(fn)
			b.WriteString(" (")
		}
		if file == "" {
			file = "native"
		}
		fmt.Fprintf(&b, "%s:%d:%d)\n", file, p.Line, p.Column)
	}
	e.Stack = b.String()
}

// rejectionError is an unhandled promise rejection as a *ScriptError: an Error reason is
// located where it was created (its own stack), any other reason where the promise was
// rejected, when JavaScript did it.
func (v *vu) rejectionError(re *eventloop.RejectionError) *ScriptError {
	reason := re.Value
	if reason == nil {
		reason = goja.Undefined()
	}
	se := &ScriptError{Msg: "uncaught (in promise) " + v.format(reason)}
	if o, ok := reason.(*goja.Object); ok {
		if st := o.Get("stack"); st != nil && !goja.IsUndefined(st) {
			first, rest, _ := strings.Cut(st.String(), "\n")
			se.Msg = "uncaught (in promise) " + first
			se.Stack = rest
			se.File, se.Line, se.Col = stackPosition(rest)
			return se
		}
	}
	se.locate(re.Stack)
	return se
}

// stackFrame matches the position of a line of a goja stack: "at f (file:3:9(5))" or
// "at file:3:9(5)".
var stackFrame = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`at (?:[^(\n]* \()?(\S+?):(\d+):(\d+)(?:\(\d+\))?\)?`)
})

// stackPosition returns the file, line and column of the first frame of a goja stack text
// that has a file; "" when none has.
func stackPosition(stack string) (string, int, int) {
	for _, m := range stackFrame().FindAllStringSubmatch(stack, -1) {
		if m[1] == "<eval>" || m[1] == "native" {
			continue
		}
		line, _ := strconv.Atoi(m[2])
		col, _ := strconv.Atoi(m[3])
		return cleanFile(m[1]), line, col
	}
	return "", 0, 0
}

// exceptionMessage is the thrown value as text: for Error objects "Name: message".
func exceptionMessage(ex *goja.Exception) string {
	v := ex.Value()
	if v == nil {
		return "exception"
	}
	if o, ok := v.(*goja.Object); ok {
		if s := o.Get("stack"); s != nil && !goja.IsUndefined(s) {
			// the first line of the stack is "Name: message"
			first, _, _ := strings.Cut(s.String(), "\n")
			if first != "" {
				return first
			}
		}
	}
	return v.String()
}

// cleanFile turns a source-mapped file name (a URL path) back into a file path.
func cleanFile(name string) string {
	name = strings.TrimPrefix(name, "file://")
	if u, err := url.PathUnescape(name); err == nil {
		return u
	}
	return name
}
