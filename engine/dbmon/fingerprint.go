package dbmon

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// maxFingerprint bounds the length of a fingerprint (the pairs map keys).
const maxFingerprint = 512

// maxExample bounds the length of the example statements kept in the report.
const maxExample = 200

// fingerprint normalises a statement so that executions differing only in constants group
// together: string literals, numbers and $n parameters become '?', lists of them collapse to
// one '?', whitespace runs become one space and keywords/identifiers keep their case. The
// result is at most maxFingerprint bytes.
func fingerprint(sql string) string {
	var b strings.Builder
	b.Grow(min(len(sql), maxFingerprint))
	prevSpace := true
	for i := 0; i < len(sql) && b.Len() < maxFingerprint; {
		c := sql[i]
		switch {
		case c == '\'':
			i = skipQuoted(sql, i)
			writeParam(&b)
			prevSpace = false
			continue
		case c == '$' && i+1 < len(sql) && isDigit(sql[i+1]):
			i = skipDigits(sql, i+1)
			writeParam(&b)
			prevSpace = false
			continue
		case isDigit(c) && !identBefore(sql, i):
			i = skipNumber(sql, i)
			writeParam(&b)
			prevSpace = false
			continue
		case c == ' ' || c == '\t' || c == '\n' || c == '\r':
			if !prevSpace {
				b.WriteByte(' ')
			}
			prevSpace = true
			i++
			continue
		}
		b.WriteByte(c)
		prevSpace = false
		i++
	}
	return truncate(strings.TrimSpace(b.String()), maxFingerprint)
}

// writeParam writes '?' unless the output already ends with "?" or "?, " (a list of
// constants collapses to one '?').
func writeParam(b *strings.Builder) {
	s := b.String()
	t := strings.TrimRight(s, " ")
	if strings.HasSuffix(t, ",") {
		if u := strings.TrimRight(strings.TrimSuffix(t, ","), " "); strings.HasSuffix(u, "?") {
			b.Reset()
			b.WriteString(u)
			return
		}
	}
	if strings.HasSuffix(s, "?") {
		return
	}
	b.WriteByte('?')
}

// skipQuoted returns the index after the string literal starting at i (a doubled quote is
// an escaped quote).
func skipQuoted(s string, i int) int {
	for j := i + 1; j < len(s); j++ {
		if s[j] == '\'' {
			if j+1 < len(s) && s[j+1] == '\'' {
				j++
				continue
			}
			return j + 1
		}
	}
	return len(s)
}

func skipDigits(s string, i int) int {
	for i < len(s) && isDigit(s[i]) {
		i++
	}
	return i
}

// skipNumber skips an unsigned numeric constant: digits, an optional fraction and exponent.
func skipNumber(s string, i int) int {
	i = skipDigits(s, i)
	if i < len(s) && s[i] == '.' {
		i = skipDigits(s, i+1)
	}
	if i < len(s) && (s[i] == 'e' || s[i] == 'E') {
		j := i + 1
		if j < len(s) && (s[j] == '+' || s[j] == '-') {
			j++
		}
		if j < len(s) && isDigit(s[j]) {
			i = skipDigits(s, j)
		}
	}
	return i
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

// identBefore reports whether the digit at i continues an identifier (t1, "col2").
func identBefore(s string, i int) bool {
	if i == 0 {
		return false
	}
	r, _ := utf8.DecodeLastRuneInString(s[:i])
	return r == '_' || r == '"' || unicode.IsLetter(r) || unicode.IsDigit(r)
}

// truncate cuts s to at most n bytes on a rune boundary, marking the cut with "…".
func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	cut := n - len("…")
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + "…"
}

// example returns a statement shortened for display: whitespace collapsed, at most
// maxExample bytes.
func example(sql string) string {
	return truncate(strings.Join(strings.Fields(sql), " "), maxExample)
}
