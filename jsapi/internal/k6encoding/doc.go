// Package k6encoding is the `k6/encoding` (alias `nnjs/encoding`) JavaScript module:
// b64encode and b64decode with the std, rawstd, url and rawurl alphabets.
//
//	reg.Register(k6encoding.New(), "k6/encoding", "nnjs/encoding")
package k6encoding
