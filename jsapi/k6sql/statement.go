package k6sql

import (
	"strings"

	"github.com/nnprotect/nnjs/internal/sqlscan"
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
// "name" tag), its operation (the "op" tag), the highest $n placeholder it uses, and what the
// read-only checks need (see readOnlyRefusal).
type stmtInfo struct {
	name   string
	op     string
	params int
	// stmts counts the non-empty statements of the text (separated by ';').
	stmts int
	// lead holds the first words of the first statement (upper-cased unless quoted).
	lead []string
	// setConfig reports a call of set_config(), which changes settings from inside a query.
	setConfig bool
}

// Fingerprint returns a short, low-cardinality name for a statement — its main keyword and
// table, e.g. "UPDATE wallets", "SELECT public.accounts", "INSERT ledger", or only the
// keyword ("BEGIN", "SELECT") when there is no table — and its operation (OpSelect ...
// OpOther). A WITH statement is named after its main statement. It never fails.
func Fingerprint(sql string) (name, op string) {
	info := analyze(sql)
	return info.name, info.op
}

// analyze scans sql once with sqlscan: comments, string constants, quoted identifiers and
// dollar-quoted bodies are told apart as the server does; placeholders are counted anywhere.
func analyze(sql string) stmtInfo {
	toks := collect(sql)
	info := stmtInfo{params: toks.params, stmts: toks.stmts, lead: toks.lead, setConfig: toks.setConfig, op: OpOther}
	words := toks.words
	if len(words) == 0 {
		return info
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
	}
	info.name = kw
	if table != "" {
		info.name = kw + " " + table
	}
	info.name = sqlscan.Truncate(info.name, maxNameLen)
	return info
}

// mainAfterWith returns the index of the first SELECT/INSERT/UPDATE/DELETE at nesting depth 0
// after a WITH clause (the CTE bodies are in parentheses), or 0 when there is none.
func mainAfterWith(words []word) int {
	for i := 1; i < len(words); i++ {
		if words[i].depth != 0 || words[i].quoted || words[i].stmt != 0 {
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
	for i := from + 1; i < len(words) && words[i].stmt == words[from].stmt; i++ {
		if words[i].depth == depth && !words[i].quoted && strings.EqualFold(words[i].text, kw) {
			return nextWord(words, i)
		}
	}
	return ""
}

// nextWord returns the identifier after words[i], skipping ONLY; none when a "(" (subquery)
// or another statement comes first.
func nextWord(words []word, i int) string {
	for j := i + 1; j < len(words); j++ {
		w := words[j]
		if w.depth != words[i].depth || w.stmt != words[i].stmt {
			return ""
		}
		if !w.quoted && strings.EqualFold(w.text, "ONLY") {
			continue
		}
		if w.quoted {
			return w.text
		}
		return strings.ToLower(w.text)
	}
	return ""
}
