package sqlscan

import (
	"iter"
	"strings"
)

// Kind is the class of a token.
type Kind uint8

// Token kinds.
const (
	// Word is a keyword or an unquoted identifier (letters, digits, _ and $; any non-ASCII byte).
	Word Kind = iota + 1
	// QuotedIdent is a "quoted identifier" (also U&"...").
	QuotedIdent
	// String is a string constant: '...', E'...', B'...', X'...', N'...', U&'...' or $tag$...$tag$.
	String
	// Number is a numeric constant: 42, 1.5e-3, .5, 0x1F, 1_000.
	Number
	// Param is a positional parameter: $1.
	Param
	// Punct is any other character: ( ) , ; . and operator characters, one token each
	// (a whole UTF-8 sequence is never split: non-ASCII bytes belong to words).
	Punct
)

// Token is one lexical element of a statement.
type Token struct {
	Kind Kind
	Text string // the source text, quotes and prefixes included
	Pos  int    // byte offset of Text in the statement
	// Space reports whether whitespace or a comment comes between the previous token (or the
	// start of the text) and this one.
	Space bool
}

// Tokens yields the tokens of sql in order, skipping whitespace and comments.
func Tokens(sql string) iter.Seq[Token] {
	return func(yield func(Token) bool) {
		s := scanner{src: sql}
		for {
			tok, ok := s.next()
			if !ok || !yield(tok) {
				return
			}
		}
	}
}

// scanner is the lexer's state: the text and the offset of the next byte to read.
type scanner struct {
	src string
	pos int
}

// next returns the next token, or false at the end of the text.
func (s *scanner) next() (Token, bool) {
	space := s.skipSpace()
	if s.pos >= len(s.src) {
		return Token{}, false
	}
	start := s.pos
	kind := s.scan()
	return Token{Kind: kind, Text: s.src[start:s.pos], Pos: start, Space: space}, true
}

// skipSpace skips whitespace and comments and reports whether it skipped any.
func (s *scanner) skipSpace() bool {
	start := s.pos
	for s.pos < len(s.src) {
		switch c := s.src[s.pos]; {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v':
			s.pos++
		case strings.HasPrefix(s.src[s.pos:], "--"):
			s.pos = indexFrom(s.src, s.pos, "\n")
		case strings.HasPrefix(s.src[s.pos:], "/*"):
			s.skipBlockComment()
		default:
			return s.pos > start
		}
	}
	return s.pos > start
}

// skipBlockComment skips a /* */ comment; comments nest, as in PostgreSQL.
func (s *scanner) skipBlockComment() {
	depth := 0
	for s.pos < len(s.src) {
		switch {
		case strings.HasPrefix(s.src[s.pos:], "/*"):
			depth++
			s.pos += 2
		case strings.HasPrefix(s.src[s.pos:], "*/"):
			depth--
			s.pos += 2
			if depth == 0 {
				return
			}
		default:
			s.pos++
		}
	}
}

// scan reads the token at s.pos and returns its kind.
func (s *scanner) scan() Kind {
	c := s.src[s.pos]
	switch {
	case c == '\'':
		s.quoted(s.pos+1, '\'', false)
		return String
	case c == '"':
		s.quoted(s.pos+1, '"', false)
		return QuotedIdent
	case c == '$':
		return s.dollar()
	case isDigit(c) || (c == '.' && s.pos+1 < len(s.src) && isDigit(s.src[s.pos+1])):
		s.number()
		return Number
	case isIdentStart(c):
		return s.word()
	}
	s.pos++
	return Punct
}

// word reads an identifier or keyword, or a string constant with a letter prefix (E'...',
// B'...', X'...', N'...', U&'...') or a U&"..." identifier.
func (s *scanner) word() Kind {
	rest := s.src[s.pos:]
	if len(rest) >= 2 && rest[1] == '\'' {
		switch rest[0] {
		case 'e', 'E':
			s.quoted(s.pos+2, '\'', true)
			return String
		case 'b', 'B', 'x', 'X', 'n', 'N':
			s.quoted(s.pos+2, '\'', false)
			return String
		}
	}
	if len(rest) >= 3 && (rest[0] == 'u' || rest[0] == 'U') && rest[1] == '&' && (rest[2] == '\'' || rest[2] == '"') {
		s.quoted(s.pos+3, rest[2], false)
		if rest[2] == '"' {
			return QuotedIdent
		}
		return String
	}
	s.pos++
	for s.pos < len(s.src) && isIdentCont(s.src[s.pos]) {
		s.pos++
	}
	return Word
}

// quoted moves past the closing quote q of a body starting at i; a doubled quote is part of
// the body, and with backslash (E'...' strings) so is any character after a backslash.
func (s *scanner) quoted(i int, q byte, backslash bool) {
	for i < len(s.src) {
		switch c := s.src[i]; {
		case backslash && c == '\\':
			i += 2
		case c == q && i+1 < len(s.src) && s.src[i+1] == q:
			i += 2
		case c == q:
			s.pos = i + 1
			return
		default:
			i++
		}
	}
	s.pos = len(s.src)
}

// dollar reads a parameter ($1), a dollar-quoted string ($$...$$, $tag$...$tag$) or a lone $.
func (s *scanner) dollar() Kind {
	j := s.pos + 1
	if j < len(s.src) && isDigit(s.src[j]) {
		for j < len(s.src) && isDigit(s.src[j]) {
			j++
		}
		s.pos = j
		return Param
	}
	if j < len(s.src) && isIdentStart(s.src[j]) {
		for j < len(s.src) && isIdentStart(s.src[j]) || j < len(s.src) && isDigit(s.src[j]) {
			j++
		}
	}
	if j < len(s.src) && s.src[j] == '$' {
		tag := s.src[s.pos : j+1]
		s.pos = indexFrom(s.src, j+1, tag)
		return String
	}
	s.pos++
	return Punct
}

// number reads a numeric constant: decimal (with _ separators, a fraction and an exponent)
// or 0x, 0o, 0b integers. "1..2" stops before the dots.
func (s *scanner) number() {
	src := s.src
	i := s.pos
	if src[i] == '0' && i+2 < len(src) && strings.IndexByte("xXoObB", src[i+1]) >= 0 && isAlnum(src[i+2]) {
		i += 2
		for i < len(src) && (isAlnum(src[i]) || src[i] == '_') {
			i++
		}
		s.pos = i
		return
	}
	i = digits(src, i)
	if i < len(src) && src[i] == '.' && !strings.HasPrefix(src[i:], "..") {
		i = digits(src, i+1)
	}
	if i < len(src) && (src[i] == 'e' || src[i] == 'E') {
		j := i + 1
		if j < len(src) && (src[j] == '+' || src[j] == '-') {
			j++
		}
		if j < len(src) && isDigit(src[j]) {
			i = digits(src, j)
		}
	}
	s.pos = i
}

// digits returns the index after the run of digits (and _ separators) starting at i.
func digits(s string, i int) int {
	for i < len(s) && (isDigit(s[i]) || s[i] == '_' && i+1 < len(s) && isDigit(s[i+1])) {
		i++
	}
	return i
}

// indexFrom returns the index just past the first delim at or after i, or len(s).
func indexFrom(s string, i int, delim string) int {
	k := strings.Index(s[i:], delim)
	if k < 0 {
		return len(s)
	}
	return i + k + len(delim)
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

func isAlnum(c byte) bool { return isDigit(c) || c|0x20 >= 'a' && c|0x20 <= 'z' }

// isIdentStart matches PostgreSQL's ident_start: a letter, _ or any non-ASCII byte.
func isIdentStart(c byte) bool { return c == '_' || c >= 0x80 || c|0x20 >= 'a' && c|0x20 <= 'z' }

// isIdentCont matches PostgreSQL's ident_cont: ident_start, a digit or $.
func isIdentCont(c byte) bool { return isIdentStart(c) || isDigit(c) || c == '$' }
