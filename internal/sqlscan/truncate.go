package sqlscan

import "unicode/utf8"

// Ellipsis marks the place where Truncate cut a text.
const Ellipsis = "…"

// Truncate returns s cut to at most n bytes on a UTF-8 boundary, ending with Ellipsis when it
// was cut (a plain cut when n leaves no room for more than the ellipsis).
func Truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	mark := Ellipsis
	if n <= len(Ellipsis) {
		mark = ""
	}
	cut := max(n-len(mark), 0)
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + mark
}
