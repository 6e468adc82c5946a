//go:build unix

package k6http

import "syscall"

// peekAlive peeks one byte without blocking: only "would block" means open and silent.
func peekAlive(raw syscall.RawConn) bool {
	var buf [1]byte
	var rerr error
	err := raw.Read(func(fd uintptr) bool {
		_, _, rerr = syscall.Recvfrom(int(fd), buf[:], syscall.MSG_PEEK|syscall.MSG_DONTWAIT)
		return true
	})
	return err == nil && (rerr == syscall.EAGAIN || rerr == syscall.EWOULDBLOCK)
}
