//go:build unix

package k6http

import (
	"net"
	"syscall"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestAlive(t *testing.T) {
	t.Parallel()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	defer ln.Close()
	tests := []struct {
		name  string
		peer  func(net.Conn)
		alive bool
	}{
		{"open and silent", func(net.Conn) {}, true},
		{"closed by peer", func(c net.Conn) { _ = c.Close() }, false},
		{"unsolicited bytes", func(c net.Conn) { _, _ = c.Write([]byte("x")) }, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c, err := net.Dial("tcp", ln.Addr().String())
			require.NoError(t, err)
			defer c.Close()
			peer, err := ln.Accept()
			require.NoError(t, err)
			defer peer.Close()
			tc.peer(peer)
			if !tc.alive { // let the FIN or byte reach the client
				waitReadable(t, c)
			}
			assert.Equal(t, tc.alive, alive(&countConn{Conn: c}))
		})
	}
}

// waitReadable blocks until c has a byte or EOF to read, without consuming it.
func waitReadable(t *testing.T, c net.Conn) {
	raw, err := c.(*net.TCPConn).SyscallConn()
	require.NoError(t, err)
	var buf [1]byte
	require.NoError(t, raw.Read(func(fd uintptr) bool {
		n, _, err := syscall.Recvfrom(int(fd), buf[:], syscall.MSG_PEEK|syscall.MSG_DONTWAIT)
		return n > 0 || err == nil
	}))
}
