package k6http

import (
	"crypto/md5" //nolint:gosec // the test server checks MD5 digest auth
	"encoding/hex"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/nnprotect/nnjs/engine/metrics"
)

// hopTags returns, per http_reqs sample, the tags named.
func hopTags(e *env, names ...string) [][]string {
	var out [][]string
	for _, s := range e.vu.Rec.Of(metrics.HTTPReqs, nil) {
		m := s.Tags.Map()
		row := make([]string, len(names))
		for i, n := range names {
			row[i] = m[n]
		}
		out = append(out, row)
	}
	return out
}

func TestRedirectHops(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	u := srv.URL
	tests := []struct {
		name, js string
		want     [][]string // url, name, method, status, expected_response
	}{
		{"chain", `http.get(base+"/redirect/2")`, [][]string{
			{u + "/redirect/2", u + "/redirect/2", "GET", "302", "true"},
			{u + "/redirect/1", u + "/redirect/1", "GET", "302", "true"},
			{u + "/redirect/0", u + "/redirect/0", "GET", "200", "true"},
		}},
		{"post becomes get", `http.post(base+"/redirect/1", "x")`, [][]string{
			{u + "/redirect/1", u + "/redirect/1", "POST", "302", "true"},
			{u + "/redirect/0", u + "/redirect/0", "GET", "200", "true"},
		}},
		{"name tag on every hop", `http.get(base+"/redirect/1", {tags: {name: "r"}})`, [][]string{
			{"r", "r", "GET", "302", "true"},
			{"r", "r", "GET", "200", "true"},
		}},
		{"stopped by the limit", `http.get(base+"/redirect/3", {redirects: 1})`, [][]string{
			{u + "/redirect/3", u + "/redirect/3", "GET", "302", "true"},
			{u + "/redirect/2", u + "/redirect/2", "GET", "302", "true"},
		}},
		{"callback judges each hop", `http.get(base+"/redirect/1", {responseCallback: http.expectedStatuses(200)})`, [][]string{
			{u + "/redirect/1", u + "/redirect/1", "GET", "302", "false"},
			{u + "/redirect/0", u + "/redirect/0", "GET", "200", "true"},
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			e := newEnv(t, nil)
			e.set("base", srv.URL)
			e.run(tc.js)
			assert.Equal(t, tc.want, hopTags(e, "url", "name", "method", "status", "expected_response"))
			assert.Len(t, e.vu.Rec.Of(metrics.HTTPReqDuration, nil), len(tc.want))
			assert.Len(t, e.vu.Rec.Of(metrics.HTTPReqFailed, nil), len(tc.want))
		})
	}
}

// digestServer requires MD5 digest auth (qop=auth) for user "u", password "p", and counts
// the requests that arrived with an Authorization header of any kind before the challenge.
type digestServer struct {
	*httptest.Server
	mu        sync.Mutex
	authFirst int
	bodies    []string
}

const digestRealm, digestNonce = "nnjs@test", "dcd98b7102dd2f0e8b11d0f600bfb0c093"

func newDigestServer(t *testing.T) *digestServer {
	s := &digestServer{}
	s.Server = httptest.NewServer(http.HandlerFunc(s.serve))
	t.Cleanup(s.Close)
	return s
}

func (s *digestServer) serve(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	s.mu.Lock()
	defer s.mu.Unlock()
	s.bodies = append(s.bodies, string(body))
	auth := r.Header.Get("Authorization")
	if !strings.HasPrefix(auth, "Digest ") {
		if auth != "" {
			s.authFirst++
		}
		w.Header().Add("WWW-Authenticate", `Digest realm="`+digestRealm+`", nonce="`+digestNonce+`", qop="auth", opaque="5ccc"`)
		w.WriteHeader(http.StatusUnauthorized)
		_, _ = io.WriteString(w, "challenge")
		return
	}
	p := parseAuthParams(strings.TrimPrefix(auth, "Digest "))
	md5hex := func(s string) string { sum := md5.Sum([]byte(s)); return hex.EncodeToString(sum[:]) } //nolint:gosec
	ha1 := md5hex("u:" + digestRealm + ":p")
	ha2 := md5hex(r.Method + ":" + r.URL.RequestURI())
	want := md5hex(strings.Join([]string{ha1, digestNonce, p["nc"], p["cnonce"], "auth", ha2}, ":"))
	if p["response"] != want || p["uri"] != r.URL.RequestURI() || p["opaque"] != "5ccc" || p["username"] != "u" {
		w.WriteHeader(http.StatusUnauthorized)
		return
	}
	_, _ = io.WriteString(w, "welcome")
}

func TestDigestAuth(t *testing.T) {
	t.Parallel()
	srv := newDigestServer(t)
	host := strings.TrimPrefix(srv.URL, "http://")
	e := newEnv(t, nil)
	e.set("good", "http://u:p@"+host+"/area?x=1")
	e.set("bad", "http://u:wrong@"+host+"/area")
	e.run(`var res = http.get(good, {auth: "digest"})`)
	assert.Equal(t, int64(200), e.run(`res.status`).Export())
	assert.Equal(t, "welcome", e.run(`res.body`).Export())
	redacted := "http://****:****@" + host
	assert.Equal(t, [][]string{
		{redacted + "/area?x=1", "401", "true", "1401"},
		{redacted + "/area?x=1", "200", "true", ""},
	}, hopTags(e, "url", "status", "expected_response", "error_code"), "k6: the challenge is a sample set of its own")
	failed := e.vu.Rec.Of(metrics.HTTPReqFailed, nil)
	require.Len(t, failed, 2)
	assert.Equal(t, []float64{0, 0}, []float64{failed[0].Value, failed[1].Value})

	e.vu.Rec.Reset()
	e.run(`var res = http.post(good, "payload", {auth: "digest"})`)
	assert.Equal(t, int64(200), e.run(`res.status`).Export())

	e.vu.Rec.Reset()
	e.run(`var res = http.get(bad, {auth: "digest"})`)
	assert.Equal(t, int64(401), e.run(`res.status`).Export())
	failed = e.vu.Rec.Of(metrics.HTTPReqFailed, nil)
	require.Len(t, failed, 2)
	assert.Equal(t, 1.0, failed[1].Value, "a refused password is a failed request")

	srv.mu.Lock()
	defer srv.mu.Unlock()
	assert.Zero(t, srv.authFirst, "no credentials before the challenge (no basic auth)")
	assert.Equal(t, []string{"", "", "payload", "payload", "", ""}, srv.bodies, "the body is sent again")
}

func TestDigestAuthNotAsked(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	e := newEnv(t, nil)
	e.set("u", strings.Replace(srv.URL, "http://", "http://a:b@", 1)+"/echo")
	e.run(`var res = http.get(u, {auth: "digest"})`)
	assert.Equal(t, int64(200), e.run(`res.status`).Export())
	assert.Equal(t, "", e.run(`res.json().headers.Authorization || ""`).Export(), "no basic auth")
	assert.Equal(t, [][]string{{"200", "true"}}, hopTags(e, "status", "expected_response"))
	assert.ErrorContains(t, e.runErr(`http.get("`+srv.URL+`/echo", {auth: "digest"})`), "user and password in the URL")
	assert.ErrorContains(t, e.runErr(`http.get("`+srv.URL+`/echo", {auth: "ntlm"})`), "not supported")
}

// TestDigestVectors checks the digest computation against the RFCs' worked examples.
func TestDigestVectors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, header, method, uri, user, pass, cnonce, want string
	}{
		{"RFC 2617 3.5 MD5", `Digest realm="testrealm@host.com", qop="auth,auth-int", nonce="dcd98b7102dd2f0e8b11d0f600bfb0c093", opaque="5ccc069c403ebaf9f0171e9517f40e41"`,
			"GET", "/dir/index.html", "Mufasa", "Circle Of Life", "0a4f113b", "6629fae49393a05397450978507c4ef1"},
		{"RFC 7616 3.9.1 SHA-256", `Digest realm="http-auth@example.org", qop="auth, auth-int", algorithm=SHA-256, nonce="7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v", opaque="FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS"`,
			"GET", "/dir/index.html", "Mufasa", "Circle of Life", "f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ", "753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1"},
		{"RFC 7616 3.9.1 MD5", `Digest realm="http-auth@example.org", qop="auth, auth-int", algorithm=MD5, nonce="7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v", opaque="FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS"`,
			"GET", "/dir/index.html", "Mufasa", "Circle of Life", "f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ", "8ca523f5e9506fed4657c9700eebdbec"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			ch, ok := parseDigestChallenge([]string{tc.header})
			require.True(t, ok)
			got, err := ch.authorization(tc.method, tc.uri, &digestCreds{user: tc.user, pass: tc.pass}, tc.cnonce)
			require.NoError(t, err)
			p := parseAuthParams(strings.TrimPrefix(got, "Digest "))
			assert.Equal(t, tc.want, p["response"])
			assert.Equal(t, "auth", p["qop"])
			assert.Equal(t, "00000001", p["nc"])
			assert.Equal(t, tc.uri, p["uri"])
		})
	}
}

func TestDigestChallengeChoice(t *testing.T) {
	t.Parallel()
	ch, ok := parseDigestChallenge([]string{
		`Basic realm="x"`,
		`Digest realm="r", nonce="n1", algorithm=MD5, qop="auth"`,
		`Digest realm="r", nonce="n2", algorithm=SHA-256, qop="auth"`,
		`Digest realm="r", nonce="n3", algorithm=SHA-512-256`,
	})
	require.True(t, ok)
	assert.Equal(t, "n2", ch.nonce, "SHA-256 preferred; unknown algorithms skipped")
	_, ok = parseDigestChallenge([]string{`Basic realm="x"`, `Digest realm="r"`})
	assert.False(t, ok, "no nonce, no challenge")
	assert.Equal(t, "auth-int", pickQop("auth-int"))
	assert.Equal(t, "", pickQop(""))
}

func TestParseAuthParams(t *testing.T) {
	t.Parallel()
	assert.Equal(t, map[string]string{"realm": `a "q", b`, "nonce": "n", "qop": "auth,auth-int", "stale": "FALSE"},
		parseAuthParams(`realm="a \"q\", b", nonce=n,qop="auth,auth-int" , stale=FALSE`))
}

func FuzzParseDigestChallenge(f *testing.F) {
	for _, s := range []string{`Digest realm="r", nonce="n", qop="auth"`, `Digest a="\`, `Digest ,,=,"`, `Digest x=y`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, h string) {
		ch, ok := parseDigestChallenge([]string{h})
		if !ok {
			return
		}
		got, err := ch.authorization("GET", "/", &digestCreds{user: "u", pass: "p"}, "c")
		if err != nil {
			t.Fatal(err)
		}
		if strings.ContainsAny(got, "\r\n") {
			t.Fatalf("header %q", got)
		}
		if p := parseAuthParams(strings.TrimPrefix(got, "Digest ")); p["nonce"] != ch.nonce || p["realm"] != ch.realm {
			t.Fatalf("round trip of %q: %q", h, got)
		}
	})
}
