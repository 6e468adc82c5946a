package threshold

import (
	"errors"
	"fmt"
	"strconv"
)

// Sentinel errors; every error from this package wraps one of them.
var (
	// ErrSyntax is a malformed threshold expression or metric key.
	ErrSyntax = errors.New("invalid threshold syntax")
	// ErrUnknownMetric is a threshold on a metric the registry does not know.
	ErrUnknownMetric = errors.New("unknown metric")
	// ErrAggregation is an aggregation that does not fit the metric type (e.g. p(95) on a Counter).
	ErrAggregation = errors.New("aggregation does not fit the metric type")
)

// Error locates an invalid threshold: the options key and, when the expression is at fault,
// the expression. It wraps one of the sentinel errors.
type Error struct {
	Key  string // options.thresholds key, e.g. "http_req_duration{name:pay}"
	Expr string // expression, or "" when the key itself is wrong
	Err  error
}

// Error renders `thresholds["key"]: cause` or `thresholds["key"]["expr"]: cause`.
func (e *Error) Error() string {
	where := "thresholds[" + strconv.Quote(e.Key) + "]"
	if e.Expr != "" {
		where += "[" + strconv.Quote(e.Expr) + "]"
	}
	return where + ": " + e.Err.Error()
}

// Unwrap returns the cause.
func (e *Error) Unwrap() error { return e.Err }

func syntaxErr(src, reason string) error {
	return fmt.Errorf("%w: %q: %s", ErrSyntax, src, reason)
}
