package jsapi

import (
	"errors"
	"fmt"
	"net/url"
	"strings"

	"github.com/dop251/goja"
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
	var b strings.Builder
	for i, f := range ex.Stack() {
		p := f.Position()
		file := cleanFile(p.Filename)
		if i == 0 || se.File == "" && file != "" {
			se.File, se.Line, se.Col = file, p.Line, p.Column
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
	se.Stack = b.String()
	return se
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
