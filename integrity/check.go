package integrity

import (
	"bufio"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"sync"
)

// Severity says whether a failing check fails the run (critical) or is only reported
// (warning).
type Severity string

// The two severities.
const (
	Critical Severity = "critical"
	Warning  Severity = "warning"
)

// Need is a precondition a check declares; a check whose needs are not met is skipped.
type Need string

// The preconditions a check may declare with "-- needs: ...".
const (
	NeedBaseline        Need = "baseline"         // nnjs_baseline_* tables for this range
	NeedPaymentsOK      Need = "payments_ok"      // Reconcile given ($4, and $7 unknown)
	NeedPaymentsFailed  Need = "payments_failed"  // Reconcile.PaymentsFailed given ($5)
	NeedPaymentsRefused Need = "payments_refused" // Reconcile.PaymentsRefused given ($6)
)

// client reports whether n needs the client's payment counts.
func (n Need) client() bool {
	return n == NeedPaymentsOK || n == NeedPaymentsFailed || n == NeedPaymentsRefused
}

// Check is one invariant: SQL returning the violating rows, with its id, severity and a
// one-line explanation. Put key columns (member_id, order_id, ledger_id) first.
type Check struct {
	ID          string
	Severity    Severity
	Explanation string
	SQL         string
	Needs       []Need
	// Source is where the check came from: "builtin" or a file path.
	Source string
}

// ErrCheckFile is wrapped by every error about a malformed check file or directory, so
// callers can tell a user's mistake from a database failure.
var ErrCheckFile = errors.New("bad check file")

//go:embed checks/*.sql
var builtinFS embed.FS

var idPattern = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9_.-]*$`) })

// Builtins returns the built-in checks C01–C25 and the run-level checks R01–R04, in id order.
func Builtins() []Check {
	entries, err := fs.ReadDir(builtinFS, "checks")
	if err != nil {
		panic(fmt.Sprintf("integrity: embedded checks: %v", err)) // the embed is compiled in
	}
	out := make([]Check, 0, len(entries))
	for _, e := range entries {
		b, err := fs.ReadFile(builtinFS, "checks/"+e.Name())
		if err != nil {
			panic(fmt.Sprintf("integrity: embedded check %s: %v", e.Name(), err))
		}
		c, err := ParseCheck(e.Name(), string(b))
		if err != nil {
			panic(fmt.Sprintf("integrity: embedded check: %v", err))
		}
		c.Source = "builtin"
		out = append(out, c)
	}
	return out
}

// ParseCheck parses one check file. name is the file name (its base without ".sql" is the
// id); leading "--" comment lines may carry "severity:", "explain:" and "needs:" (comma
// separated). The default severity is critical.
func ParseCheck(name, text string) (Check, error) {
	id := strings.TrimSuffix(filepath.Base(name), ".sql")
	if !idPattern().MatchString(id) {
		return Check{}, fmt.Errorf("integrity: check %q: id must match %s: %w", name, idPattern(), ErrCheckFile)
	}
	c := Check{ID: id, Severity: Critical, Source: name}
	sc := bufio.NewScanner(strings.NewReader(text))
	sc.Buffer(make([]byte, 0, 64*1024), len(text)+1)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" {
			continue
		}
		if !strings.HasPrefix(line, "--") {
			break
		}
		if err := c.applyHeader(strings.TrimSpace(strings.TrimPrefix(line, "--"))); err != nil {
			return Check{}, fmt.Errorf("integrity: check %q: %w", name, err)
		}
	}
	c.SQL = strings.TrimRight(strings.TrimSpace(text), "; \t\r\n")
	if !hasStatement(c.SQL) {
		return Check{}, fmt.Errorf("integrity: check %q: no SQL statement: %w", name, ErrCheckFile)
	}
	if c.Explanation == "" {
		c.Explanation = "custom check " + filepath.Base(name)
	}
	return c, nil
}

func (c *Check) applyHeader(h string) error {
	key, val, ok := strings.Cut(h, ":")
	if !ok {
		return nil // prose comment
	}
	val = strings.TrimSpace(val)
	switch strings.ToLower(strings.TrimSpace(key)) {
	case "severity":
		switch Severity(strings.ToLower(val)) {
		case Critical:
			c.Severity = Critical
		case Warning:
			c.Severity = Warning
		default:
			return fmt.Errorf("severity %q is not critical or warning: %w", val, ErrCheckFile)
		}
	case "explain":
		c.Explanation = val
	case "needs":
		for _, n := range strings.Split(val, ",") {
			need := Need(strings.ToLower(strings.TrimSpace(n)))
			switch need {
			case NeedBaseline, NeedPaymentsOK, NeedPaymentsFailed, NeedPaymentsRefused:
				c.Needs = append(c.Needs, need)
			default:
				return fmt.Errorf("unknown need %q: %w", n, ErrCheckFile)
			}
		}
	}
	return nil
}

// hasStatement reports whether sql has something besides comments and whitespace.
func hasStatement(sql string) bool {
	for _, line := range strings.Split(sql, "\n") {
		l := strings.TrimSpace(line)
		if l != "" && !strings.HasPrefix(l, "--") {
			return true
		}
	}
	return false
}

// LoadDir reads every *.sql file of dir (sorted by name) as a check. Ids must not repeat a
// built-in id.
func LoadDir(dir string) ([]Check, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("integrity: read check dir %s: %w (%w)", dir, err, ErrCheckFile)
	}
	taken := map[string]bool{}
	for _, b := range Builtins() {
		taken[b.ID] = true
	}
	var out []Check
	for _, e := range entries {
		if e.IsDir() || !strings.HasSuffix(e.Name(), ".sql") {
			continue
		}
		path := filepath.Join(dir, e.Name())
		b, err := os.ReadFile(path)
		if err != nil {
			return nil, fmt.Errorf("integrity: read check %s: %w (%w)", path, err, ErrCheckFile)
		}
		c, err := ParseCheck(path, string(b))
		if err != nil {
			return nil, err
		}
		if taken[c.ID] {
			return nil, fmt.Errorf("integrity: check %s: id %s is already used: %w", path, c.ID, ErrCheckFile)
		}
		taken[c.ID] = true
		out = append(out, c)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out, nil
}
