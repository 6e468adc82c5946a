package main

import (
	"fmt"
	"io"
	"strings"
)

// verdict is what one run judged: one item per part (the run's own stop, thresholds,
// integrity, outputs). The exit code is that of the most important failed item (see
// exitPrecedence); the text names every failure and which codes the exit code hides.
type verdict struct {
	items []verdictItem
}

// verdictItem is one judged (or not judged) part of a run.
type verdictItem struct {
	state itemState
	code  int    // the exit code of a failed item
	text  string // one line
	err   error  // the error behind a failure, printed last with a hint
	// itemized is set when the failure sums up parts judged one by one (each threshold, each
	// integrity check), which reports such as JUnit list themselves.
	itemized bool
}

type itemState uint8

const (
	itemPassed itemState = iota + 1
	itemFailed
	itemNotJudged
)

func (v *verdict) pass(format string, args ...any) {
	v.items = append(v.items, verdictItem{state: itemPassed, text: fmt.Sprintf(format, args...)})
}

func (v *verdict) notJudged(format string, args ...any) {
	v.items = append(v.items, verdictItem{state: itemNotJudged, text: fmt.Sprintf(format, args...)})
}

// fail records a failed part; err (may be nil) is printed after the summary.
func (v *verdict) fail(code int, err error, format string, args ...any) {
	v.items = append(v.items, verdictItem{state: itemFailed, code: code, err: err, text: fmt.Sprintf(format, args...)})
}

// failItemized records a failure that sums up parts judged one by one (see itemized).
func (v *verdict) failItemized(code int, err error, format string, args ...any) {
	v.fail(code, err, format, args...)
	v.items[len(v.items)-1].itemized = true
}

// code returns the exit code: the most important failure's, or exitOK.
func (v *verdict) code() int {
	code := exitOK
	for _, it := range v.items {
		if it.state == itemFailed && (code == exitOK || exitRank(it.code) < exitRank(code)) {
			code = it.code
		}
	}
	return code
}

// failed reports whether any part failed.
func (v *verdict) failed() bool { return v.code() != exitOK }

// headline is the verdict's first line.
func (v *verdict) headline() string {
	code := v.code()
	switch {
	case code != exitOK:
		return fmt.Sprintf("FAILED, exit code %d", code)
	case len(v.items) == 0:
		return "exit code 0; nothing was judged (no thresholds, no integrity checks)"
	}
	for _, it := range v.items {
		if it.state == itemNotJudged {
			return "exit code 0; not everything was judged"
		}
	}
	return "PASSED, exit code 0"
}

// lines renders one line per item, failures first, each failure with its code and, when a
// more important failure decides the exit code, the words "hidden by".
func (v *verdict) lines() []string {
	code := v.code()
	var out []string
	for _, want := range []itemState{itemFailed, itemNotJudged, itemPassed} {
		for _, it := range v.items {
			if it.state != want {
				continue
			}
			switch it.state {
			case itemFailed:
				suffix := fmt.Sprintf(" (exit %d)", it.code)
				if it.code != code {
					suffix = fmt.Sprintf(" (exit %d, hidden by %d)", it.code, code)
				}
				out = append(out, "✗ "+it.text+suffix)
			case itemNotJudged:
				out = append(out, "- "+it.text)
			default:
				out = append(out, "✓ "+it.text)
			}
		}
	}
	return out
}

// writeText writes the verdict block that ends the text summary.
func (v *verdict) writeText(w io.Writer, noColor bool) error {
	head := "VERDICT: " + v.headline()
	if !noColor {
		colour := "\x1b[32m"
		if v.failed() {
			colour = "\x1b[31m"
		}
		head = "\x1b[1m" + colour + head + "\x1b[0m"
	}
	var b strings.Builder
	b.WriteString("  █ " + head + "\n\n")
	for _, l := range v.lines() {
		b.WriteString("    " + l + "\n")
	}
	b.WriteString("\n")
	_, err := io.WriteString(w, b.String())
	return err
}

// writeErrors prints, after everything else, the error behind each failure with a hint for
// the common causes.
func (v *verdict) writeErrors(w io.Writer) {
	for _, it := range v.items {
		if it.state != itemFailed || it.err == nil {
			continue
		}
		fmt.Fprintf(w, "nnjs run: %v\n", it.err)
		if h := hintFor(it.err); h != "" {
			fmt.Fprintf(w, "  hint: %s\n", h)
		}
	}
}
