package threshold

import (
	"fmt"
	"math"
	"strconv"
	"strings"
)

// Agg is the aggregation a threshold expression reads from a metric.
type Agg uint8

// The k6 aggregations.
const (
	AggAvg Agg = iota + 1
	AggMin
	AggMed
	AggMax
	AggPercentile // p(N)
	AggCount
	AggRate
	AggValue
)

var aggNames = map[string]Agg{
	"avg": AggAvg, "min": AggMin, "med": AggMed, "max": AggMax,
	"count": AggCount, "rate": AggRate, "value": AggValue,
}

// String returns the k6 token of the aggregation ("p" for a percentile).
func (a Agg) String() string {
	if a == AggPercentile {
		return "p"
	}
	for name, v := range aggNames {
		if v == a {
			return name
		}
	}
	return fmt.Sprintf("Agg(%d)", uint8(a))
}

// Op is a comparison operator.
type Op uint8

// The k6 operators. OpStrictEq ("===") behaves as OpEq: values are numbers.
const (
	OpLT Op = iota + 1
	OpLE
	OpGT
	OpGE
	OpEq
	OpStrictEq
	OpNE
)

// opTokens is ordered so that a longer token is tried before its prefix ("<=" before "<",
// "===" before "==").
var opTokens = []struct {
	tok string
	op  Op
}{
	{"<=", OpLE}, {"<", OpLT}, {">=", OpGE}, {">", OpGT},
	{"===", OpStrictEq}, {"==", OpEq}, {"!=", OpNE},
}

// String returns the operator token.
func (o Op) String() string {
	for _, t := range opTokens {
		if t.op == o {
			return t.tok
		}
	}
	return fmt.Sprintf("Op(%d)", uint8(o))
}

// Expr is one parsed threshold expression, `<agg> <op> <number>`.
type Expr struct {
	Source     string  // the expression as written
	Agg        Agg     // aggregation
	Percentile float64 // N of p(N), 0..100; only for AggPercentile
	Op         Op
	Value      float64
}

// AggKey returns the aggregation as k6 names it in summaries: "avg", "count", "p(99.9)".
func (e Expr) AggKey() string {
	if e.Agg == AggPercentile {
		return "p(" + strconv.FormatFloat(e.Percentile, 'f', -1, 64) + ")"
	}
	return e.Agg.String()
}

// Holds reports whether an observed value satisfies the expression. Comparisons follow IEEE
// rules, as in k6: a NaN observation satisfies only "!=".
func (e Expr) Holds(observed float64) bool {
	switch e.Op {
	case OpLT:
		return observed < e.Value
	case OpLE:
		return observed <= e.Value
	case OpGT:
		return observed > e.Value
	case OpGE:
		return observed >= e.Value
	case OpEq, OpStrictEq:
		return observed == e.Value
	case OpNE:
		return observed != e.Value
	}
	return false
}

// Parse parses a threshold expression such as "p(95) < 500", "rate<0.01" or "count>=10".
// Errors wrap ErrSyntax.
func Parse(expr string) (Expr, error) {
	lhs, op, rhs, ok := scan(expr)
	if !ok {
		return Expr{}, syntaxErr(expr, "no operator (one of < <= > >= == === !=)")
	}
	e := Expr{Source: expr, Op: op}
	if err := e.parseAgg(lhs); err != nil {
		return Expr{}, syntaxErr(expr, err.Error())
	}
	v, err := strconv.ParseFloat(rhs, 64)
	if err != nil || math.IsNaN(v) {
		return Expr{}, syntaxErr(expr, fmt.Sprintf("%q is not a number", rhs))
	}
	e.Value = v
	return e, nil
}

// scan splits expr at the first operator token, trying longer tokens first as k6 does.
func scan(expr string) (lhs string, op Op, rhs string, ok bool) {
	for _, t := range opTokens {
		if l, r, found := strings.Cut(expr, t.tok); found {
			return strings.TrimSpace(l), t.op, strings.TrimSpace(r), true
		}
	}
	return "", 0, "", false
}

func (e *Expr) parseAgg(lhs string) error {
	if a, ok := aggNames[lhs]; ok {
		e.Agg = a
		return nil
	}
	inner, ok := strings.CutPrefix(lhs, "p(")
	if !ok {
		return fmt.Errorf("unknown aggregation %q (use avg, min, med, max, p(N), count, rate or value)", lhs)
	}
	inner, ok = strings.CutSuffix(inner, ")")
	if !ok {
		return fmt.Errorf("percentile %q lacks a closing parenthesis", lhs)
	}
	p, err := strconv.ParseFloat(inner, 64)
	if err != nil || math.IsNaN(p) || p < 0 || p > 100 {
		return fmt.Errorf("percentile %q must be a number from 0 to 100", lhs)
	}
	e.Agg, e.Percentile = AggPercentile, p
	return nil
}
