package k6sql

import (
	"strings"

	"github.com/nnprotect/nnjs/internal/sqlscan"
)

// maxWords bounds the words kept for fingerprinting; placeholders and statements are counted
// to the end.
const maxWords = 256

// leadWords is how many words of the first statement stmtInfo.lead keeps.
const leadWords = 4

// word is an identifier or keyword (possibly schema-qualified: "public.wallets") at a
// parenthesis depth, in the stmt-th statement of the text; end is its end offset in the text.
type word struct {
	text   string
	depth  int
	stmt   int
	end    int
	quoted bool
}

// tokens is what collect gathers from a statement text.
type tokens struct {
	words     []word
	params    int
	stmts     int
	lead      []string
	setConfig bool
}

// collect gathers the words, placeholders and statements of sql.
func collect(sql string) tokens {
	var t tokens
	depth, stmt := 0, 0
	empty := true // the current statement has no token yet
	var prev sqlscan.Token
	for tok := range sqlscan.Tokens(sql) {
		if tok.Kind == sqlscan.Punct && tok.Text == ";" {
			if !empty {
				stmt++
			}
			empty, depth, prev = true, 0, tok
			continue
		}
		if empty {
			t.stmts++
			empty = false
		}
		switch tok.Kind {
		case sqlscan.Param:
			t.params = max(t.params, paramNumber(tok.Text))
		case sqlscan.Punct:
			switch tok.Text {
			case "(":
				depth++
			case ")":
				depth = max(depth-1, 0)
			}
		case sqlscan.Word, sqlscan.QuotedIdent:
			t.addWord(tok, prev, depth, stmt)
		}
		prev = tok
	}
	for _, w := range t.words {
		if w.stmt != 0 || len(t.lead) == leadWords {
			break
		}
		if !w.quoted {
			w.text = strings.ToUpper(w.text)
		}
		t.lead = append(t.lead, w.text)
	}
	return t
}

// addWord records a word, joining it to the previous one across an adjacent '.'
// ("public" "." "wallets" is one word).
func (t *tokens) addWord(tok, prev sqlscan.Token, depth, stmt int) {
	quoted := tok.Kind == sqlscan.QuotedIdent
	if !quoted && strings.EqualFold(tok.Text, "set_config") {
		t.setConfig = true
	}
	end := tok.Pos + len(tok.Text)
	if n := len(t.words); n > 0 && prev.Text == "." && prev.Kind == sqlscan.Punct && !tok.Space {
		if last := &t.words[n-1]; last.end == prev.Pos && last.stmt == stmt {
			last.text += "." + tok.Text
			last.quoted = last.quoted || quoted
			last.end = end
			return
		}
	}
	if len(t.words) < maxWords {
		t.words = append(t.words, word{text: tok.Text, depth: depth, stmt: stmt, end: end, quoted: quoted})
	}
}

// paramNumber reads n from "$n", capped so that a huge number cannot overflow.
func paramNumber(text string) int {
	n := 0
	for _, c := range text[1:] {
		if n < 1<<16 {
			n = n*10 + int(c-'0')
		}
	}
	return n
}
