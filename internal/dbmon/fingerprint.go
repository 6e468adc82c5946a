package dbmon

import (
	"strings"

	"github.com/nnprotect/nnjs/internal/sqlscan"
)

// maxFingerprint bounds the length of a fingerprint (the pairs map keys).
const maxFingerprint = 512

// maxExample bounds the length of the example statements kept in the report.
const maxExample = 200

// fingerprint normalises a statement so that executions differing only in constants group
// together: string constants (dollar-quoted and E'...' ones too), numbers and $n parameters
// become '?', lists of them collapse to one '?', comments are dropped, whitespace runs become
// one space and keywords/identifiers keep their case. The result is at most maxFingerprint
// bytes.
func fingerprint(sql string) string {
	var b strings.Builder
	b.Grow(min(len(sql), maxFingerprint))
	for tok := range sqlscan.Tokens(sql) {
		if b.Len() >= maxFingerprint {
			break
		}
		switch tok.Kind {
		case sqlscan.String, sqlscan.Number, sqlscan.Param:
			writeParam(&b, tok.Space)
		default:
			if tok.Space && b.Len() > 0 {
				b.WriteByte(' ')
			}
			b.WriteString(tok.Text)
		}
	}
	return sqlscan.Truncate(b.String(), maxFingerprint)
}

// writeParam writes '?' (after a space when the constant followed one) unless the output
// already ends with "?" or "?," (a list of constants collapses to one '?').
func writeParam(b *strings.Builder, space bool) {
	s := b.String()
	if t := strings.TrimRight(s, " "); strings.HasSuffix(t, ",") {
		if u := strings.TrimRight(strings.TrimSuffix(t, ","), " "); strings.HasSuffix(u, "?") {
			b.Reset()
			b.WriteString(u)
			return
		}
	}
	if strings.HasSuffix(s, "?") {
		return
	}
	if space && b.Len() > 0 {
		b.WriteByte(' ')
	}
	b.WriteByte('?')
}

// example returns a statement shortened for display: whitespace collapsed, at most
// maxExample bytes.
func example(sql string) string {
	return sqlscan.Truncate(strings.Join(strings.Fields(sql), " "), maxExample)
}
