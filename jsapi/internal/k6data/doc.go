// Package k6data is the `k6/data` (alias `nnjs/data`) JavaScript module: SharedArray.
//
//	reg.Register(k6data.New(), "k6/data", "nnjs/data")
//
// new SharedArray(name, fn) runs fn once per run (in the first VU that asks for name), keeps
// the JSON of each element once in Go, and gives every VU a read-only array view that decodes
// an element when it is accessed: the data is never copied per VU. A builder may create other
// shared arrays; one that needs itself (directly or through other builders) throws a TypeError.
package k6data
