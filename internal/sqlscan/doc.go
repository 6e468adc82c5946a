// Package sqlscan splits PostgreSQL statement text into tokens the way the server's lexer
// does, so that whatever reads SQL text in nnjs (the monitor's fingerprints, nnjs/sql's
// statement names and its read-only checks) agrees on what is a keyword, a constant or a
// comment.
//
//	for tok := range sqlscan.Tokens("SELECT $$it's$$ FROM t -- don't\nWHERE id = $1") {
//		// Word "SELECT", String "$$it's$$", Word "FROM", Word "t", Word "WHERE",
//		// Word "id", Punct "=", Param "$1"
//	}
//
// Whitespace and comments (-- to the end of the line, /* */ nested) are skipped; Token.Space
// says whether any preceded a token. String constants are 'standard' (a doubled quote is a quote),
// E'escaped' (backslash escapes too), B'...', X'...', N'...' and U&'...' forms, and $tag$dollar$tag$
// bodies. Quoted identifiers are "name" and U&"name". Unterminated strings, identifiers and
// comments run to the end of the text: the scanner never fails. It assumes
// standard_conforming_strings = on, the server's default since PostgreSQL 9.1.
//
// Truncate shortens text for display on a UTF-8 boundary.
package sqlscan
