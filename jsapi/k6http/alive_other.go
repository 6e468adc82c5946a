//go:build !unix

package k6http

import "syscall"

// peekAlive cannot peek without blocking here: a closed connection is found on use instead,
// and idempotent requests are retried on a fresh one.
func peekAlive(syscall.RawConn) bool { return true }
