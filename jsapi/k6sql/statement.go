package k6sql

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// maxNameLen bounds a fingerprint so a statement cannot blow up the tag cardinality.
const maxNameLen = 64

// Statement operations, the values of the "op" tag.
const (
	OpSelect = "select"
	OpInsert = "insert"
	OpUpdate = "update"
	OpDelete = "delete"
	OpOther  = "other"
)

// stmtInfo is what the module derives from a statement's text: its fingerprint (the default
// "name" tag), its operation (the "op" tag) and the highest $n placeholder it uses.
type stmtInfo struct {
	name   string
	op     string
	params int
}

// Fingerprint returns a short, low-cardinality name for a statement — its main keyword and
// table, e.g. "UPDATE wallets", "SELECT public.accounts", "INSERT ledger", or only the
// keyword ("BEGIN", "SELECT") when there is no table — and its operation (OpSelect ...
// OpOther). A WITH statement is named after its main statement. It never fails.
func Fingerprint(sql string) (name, op string) {
	info := analyze(sql)
	return info.name, info.op
}

// analyze scans sql once: comments, string literals, quoted identifiers and dollar-quoted
// bodies are skipped; placeholders are counted everywhere else.
func analyze(sql string) stmtInfo {
	toks := tokenize(sql)
	info := stmtInfo{params: toks.params}
	words := toks.words
	if len(words) == 0 {
		return stmtInfo{name: "", op: OpOther, params: toks.params}
	}
	main := 0
	if strings.EqualFold(words[0].text, "WITH") {
		main = mainAfterWith(words)
	}
	kw := strings.ToUpper(words[main].text)
	table := ""
	switch kw {
	case "SELECT":
		info.op = OpSelect
		table = wordAfter(words, main, "FROM")
	case "INSERT":
		info.op = OpInsert
		table = wordAfter(words, main, "INTO")
	case "UPDATE":
		info.op = OpUpdate
		table = nextWord(words, main)
	case "DELETE":
		info.op = OpDelete
		table = wordAfter(words, main, "FROM")
	default:
		info.op = OpOther
	}
	info.name = kw
	if table != "" {
		info.name = kw + " " + table
	}
	if len(info.name) > maxNameLen {
		info.name = truncate(info.name, maxNameLen)
	}
	return info
}

// mainAfterWith returns the index of the first SELECT/INSERT/UPDATE/DELETE at nesting depth 0
// after a WITH clause (the CTE bodies are in parentheses), or 0 when there is none.
func mainAfterWith(words []word) int {
	for i := 1; i < len(words); i++ {
		if words[i].depth != 0 || words[i].quoted {
			continue
		}
		switch strings.ToUpper(words[i].text) {
		case "SELECT", "INSERT", "UPDATE", "DELETE":
			return i
		}
	}
	return 0
}

// wordAfter returns the identifier following keyword kw at the depth of words[from].
func wordAfter(words []word, from int, kw string) string {
	depth := words[from].depth
	for i := from + 1; i < len(words); i++ {
		if words[i].depth == depth && !words[i].quoted && strings.EqualFold(words[i].text, kw) {
			return nextWord(words, i)
		}
	}
	return ""
}

// nextWord returns the identifier after words[i], skipping ONLY and a "(" (subquery: none).
func nextWord(words []word, i int) string {
	for j := i + 1; j < len(words); j++ {
		w := words[j]
		if w.depth != words[i].depth {
			return ""
		}
		if !w.quoted && strings.EqualFold(w.text, "ONLY") {
			continue
		}
		if !w.quoted && !isIdentStart(w.text) {
			return ""
		}
		if w.quoted {
			return w.text
		}
		return strings.ToLower(w.text)
	}
	return ""
}

func isIdentStart(s string) bool {
	r, _ := utf8.DecodeRuneInString(s)
	return r == '_' || unicode.IsLetter(r)
}

func truncate(s string, n int) string {
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}

// word is an identifier or keyword (possibly schema-qualified) at a parenthesis depth.
type word struct {
	text   string
	depth  int
	quoted bool
}

type tokens struct {
	words  []word
	params int
}

// maxWords bounds the words kept for fingerprinting; placeholders are counted to the end.
const maxWords = 256

// tokenize splits sql into words; see analyze.
func tokenize(sql string) tokens {
	var t tokens
	depth := 0
	for i := 0; i < len(sql); {
		c := sql[i]
		switch {
		case c == '-' && strings.HasPrefix(sql[i:], "--"):
			i = skipTo(sql, i+2, "\n")
		case c == '/' && strings.HasPrefix(sql[i:], "/*"):
			i = skipTo(sql, i+2, "*/")
		case c == '\'':
			i = skipQuoted(sql, i+1, '\'')
		case c == '"':
			end := skipQuoted(sql, i+1, '"')
			i = t.addWord(sql, i, end, depth, true)
		case c == '$':
			i = t.dollar(sql, i)
		case c == '(':
			depth++
			i++
		case c == ')':
			depth = max(depth-1, 0)
			i++
		case c == '_' || c >= utf8.RuneSelf || unicode.IsLetter(rune(c)):
			end := identEnd(sql, i)
			if end == i { // a non-letter rune or invalid UTF-8
				_, size := utf8.DecodeRuneInString(sql[i:])
				i += size
				continue
			}
			i = t.addWord(sql, i, end, depth, false)
		default:
			i++
		}
	}
	return t
}

// addWord records sql[start:end] (joining a following ".name" part) and returns where the
// scan continues.
func (t *tokens) addWord(sql string, start, end, depth int, quoted bool) int {
	for end < len(sql) && sql[end] == '.' && end+1 < len(sql) {
		next := end + 1
		switch {
		case sql[next] == '"':
			end = skipQuoted(sql, next+1, '"')
			quoted = true
		case sql[next] == '_' || sql[next] >= utf8.RuneSelf || unicode.IsLetter(rune(sql[next])):
			end = identEnd(sql, next)
		default:
			return t.push(sql[start:end], depth, quoted, end)
		}
	}
	return t.push(sql[start:end], depth, quoted, end)
}

func (t *tokens) push(text string, depth int, quoted bool, next int) int {
	if len(t.words) < maxWords {
		t.words = append(t.words, word{text: text, depth: depth, quoted: quoted})
	}
	return next
}

// dollar handles "$": a placeholder $n, a dollar-quoted body $tag$...$tag$, or a lone "$".
func (t *tokens) dollar(sql string, i int) int {
	j := i + 1
	n := 0
	for j < len(sql) && sql[j] >= '0' && sql[j] <= '9' {
		if n < 1<<16 {
			n = n*10 + int(sql[j]-'0')
		}
		j++
	}
	if j > i+1 {
		t.params = max(t.params, n)
		return j
	}
	end := j
	for end < len(sql) && (sql[end] == '_' || sql[end] >= utf8.RuneSelf || unicode.IsLetter(rune(sql[end])) ||
		(end > j && sql[end] >= '0' && sql[end] <= '9')) {
		end++
	}
	if end < len(sql) && sql[end] == '$' {
		tag := sql[i : end+1]
		return skipTo(sql, end+1, tag)
	}
	return i + 1
}

// identEnd returns the end of the identifier starting at i.
func identEnd(sql string, i int) int {
	for i < len(sql) {
		r, size := utf8.DecodeRuneInString(sql[i:])
		if r != '_' && r != '$' && !unicode.IsLetter(r) && !unicode.IsDigit(r) {
			break
		}
		i += size
	}
	return i
}

// skipTo returns the index just past the next delim at or after i (or len(sql)).
func skipTo(sql string, i int, delim string) int {
	k := strings.Index(sql[i:], delim)
	if k < 0 {
		return len(sql)
	}
	return i + k + len(delim)
}

// skipQuoted returns the index just past the closing quote q (” doubles a quote).
func skipQuoted(sql string, i int, q byte) int {
	for i < len(sql) {
		if sql[i] == q {
			if i+1 < len(sql) && sql[i+1] == q {
				i += 2
				continue
			}
			return i + 1
		}
		i++
	}
	return len(sql)
}
