package main

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestRoutes(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(newHandler(0))
	defer srv.Close()
	cases := []struct {
		name, method, path, body string
		status                   int
		want                     string
	}{
		{"root", "GET", "/", "", 200, "hello from target\n"},
		{"json", "GET", "/json", "", 200, jsonDoc},
		{"status", "GET", "/status/503", "", 503, ""},
		{"bad status", "GET", "/status/abc", "", 400, "bad status code\n"},
		{"echo", "POST", "/echo", "pay=1", 200, "pay=1"},
		{"delay", "GET", "/delay?ms=1", "", 200, "ok\n"},
		{"unknown", "GET", "/nope", "", 404, "404 page not found\n"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			req, err := http.NewRequest(tc.method, srv.URL+tc.path, strings.NewReader(tc.body))
			require.NoError(t, err)
			res, err := http.DefaultClient.Do(req)
			require.NoError(t, err)
			defer res.Body.Close()
			b, _ := io.ReadAll(res.Body)
			assert.Equal(t, tc.status, res.StatusCode)
			assert.Equal(t, tc.want, string(b))
		})
	}
}

func TestDelay(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(newHandler(30 * time.Millisecond))
	defer srv.Close()
	start := time.Now()
	res, err := http.Get(srv.URL + "/")
	require.NoError(t, err)
	res.Body.Close()
	assert.GreaterOrEqual(t, time.Since(start), 30*time.Millisecond)
}

func TestCookies(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(newHandler(0))
	defer srv.Close()
	res, err := http.Get(srv.URL + "/cookies/set?session=abc")
	require.NoError(t, err)
	res.Body.Close()
	require.Len(t, res.Cookies(), 1)
	req, _ := http.NewRequest("GET", srv.URL+"/cookies", nil)
	req.AddCookie(res.Cookies()[0])
	res, err = http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	assert.Equal(t, "session=abc\n", string(b))
}
