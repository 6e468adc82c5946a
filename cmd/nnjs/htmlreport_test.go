package main

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestDashboardAddr(t *testing.T) {
	t.Parallel()
	cases := []struct {
		in, want string
		loopback bool
	}{
		{defaultDashboard, "127.0.0.1:5665", true},
		{":5666", "127.0.0.1:5666", true},
		{"5667", "127.0.0.1:5667", true},
		{"localhost:0", "localhost:0", true},
		{"[::1]:5665", "[::1]:5665", true},
		{"0.0.0.0:5665", "0.0.0.0:5665", false},
		{"10.1.2.3:80", "10.1.2.3:80", false},
	}
	for _, tc := range cases {
		got, err := dashboardAddr(tc.in)
		assert.NoError(t, err, tc.in)
		assert.Equal(t, tc.want, got, tc.in)
		assert.Equal(t, tc.loopback, loopbackAddr(got), tc.in)
	}
	for _, bad := range []string{"a:b:c", "127.0.0.1:"} {
		_, err := dashboardAddr(bad)
		assert.Error(t, err, bad)
	}
}
