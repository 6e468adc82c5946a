package k6http

import (
	"crypto/md5" //nolint:gosec // RFC 7616 digest auth uses MD5 when the server asks for it
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io"
	"net/http"
	"strings"
)

// errDigestBody: a request with a body that cannot be sent twice cannot answer a challenge.
var errDigestBody = errors.New("digest auth: the request body cannot be sent again")

// digestCreds are the user and password of a request made with params.auth "digest".
type digestCreds struct {
	user, pass string
	host       string // credentials answer challenges from this host only
	body       []byte // the request body, for qop=auth-int
}

// digestRoundTrip is k6's digest auth: the request goes without credentials; a 401 with a
// Digest challenge is read and closed (it is a hop of its own) and the request is sent again
// with the Authorization the challenge asks for. Any other answer is returned as it is.
func (p *prepared) digestRoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := p.send(req)
	if err != nil || resp.StatusCode != http.StatusUnauthorized || req.URL.Host != p.digest.host {
		return resp, err
	}
	ch, ok := parseDigestChallenge(resp.Header.Values("WWW-Authenticate"))
	if !ok {
		return resp, nil
	}
	if _, err := io.Copy(io.Discard, resp.Body); err != nil {
		_ = resp.Body.Close()
		return nil, err
	}
	_ = resp.Body.Close()
	if req.Body != nil && req.Body != http.NoBody {
		if req.GetBody == nil {
			return nil, errDigestBody
		}
		if req.Body, err = req.GetBody(); err != nil {
			return nil, err
		}
	}
	auth, err := ch.authorization(req.Method, req.URL.RequestURI(), p.digest, newCnonce())
	if err != nil {
		return nil, err
	}
	p.challenged = true
	p.closeHop()
	req.Header.Set("Authorization", auth)
	return p.send(req)
}

// digestChallenge is the WWW-Authenticate challenge nnjs answers.
type digestChallenge struct {
	realm, nonce, opaque, qop string
	algorithm                 string // as the server wrote it
	alg                       string // upper case
	userhash                  bool
}

// parseDigestChallenge picks, among a 401's WWW-Authenticate headers, the strongest Digest
// challenge nnjs can answer (SHA-256 before MD5).
func parseDigestChallenge(headers []string) (digestChallenge, bool) {
	var best digestChallenge
	found := false
	for _, h := range headers {
		scheme, rest, _ := strings.Cut(strings.TrimSpace(h), " ")
		if !strings.EqualFold(scheme, "Digest") {
			continue
		}
		params := parseAuthParams(rest)
		ch := digestChallenge{realm: params["realm"], nonce: params["nonce"], opaque: params["opaque"],
			algorithm: params["algorithm"], userhash: strings.EqualFold(params["userhash"], "true")}
		if ch.algorithm == "" {
			ch.algorithm = "MD5"
		}
		ch.alg = strings.ToUpper(ch.algorithm)
		if digestHash(ch.alg) == nil || ch.nonce == "" {
			continue
		}
		ch.qop = pickQop(params["qop"])
		if !found || strings.HasPrefix(ch.alg, "SHA-256") && !strings.HasPrefix(best.alg, "SHA-256") {
			best, found = ch, true
		}
	}
	return best, found
}

// pickQop prefers "auth" among the offered protections; "" when none is offered (RFC 2069).
func pickQop(offered string) string {
	var intOnly bool
	for _, q := range strings.Split(offered, ",") {
		switch strings.TrimSpace(q) {
		case "auth":
			return "auth"
		case "auth-int":
			intOnly = true
		}
	}
	if intOnly {
		return "auth-int"
	}
	return ""
}

// parseAuthParams reads `key=value, key="quoted, value"` pairs.
func parseAuthParams(s string) map[string]string {
	out := map[string]string{}
	for s = strings.TrimSpace(s); s != ""; s = strings.TrimLeft(s, ", \t") {
		key, rest, ok := strings.Cut(s, "=")
		if !ok {
			break
		}
		key = strings.ToLower(strings.TrimSpace(key))
		rest = strings.TrimLeft(rest, " \t")
		var val string
		if strings.HasPrefix(rest, `"`) {
			val, rest = unquote(rest[1:])
		} else {
			end := strings.IndexByte(rest, ',')
			if end < 0 {
				end = len(rest)
			}
			val, rest = strings.TrimSpace(rest[:end]), rest[end:]
		}
		out[key] = val
		s = rest
	}
	return out
}

// unquote reads a quoted-string body up to its closing quote and returns it with the rest.
func unquote(s string) (string, string) {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '\\':
			if i+1 < len(s) {
				i++
				b.WriteByte(s[i])
			}
		case '"':
			return b.String(), s[i+1:]
		default:
			b.WriteByte(s[i])
		}
	}
	return b.String(), ""
}

func digestHash(algorithm string) func() hash.Hash {
	switch algorithm {
	case "MD5", "MD5-SESS":
		return md5.New
	case "SHA-256", "SHA-256-SESS":
		return sha256.New
	}
	return nil
}

// authorization computes the Authorization header answering the challenge (RFC 7616).
func (ch digestChallenge) authorization(method, uri string, c *digestCreds, cnonce string) (string, error) {
	newHash := digestHash(ch.alg)
	h := func(parts ...string) string {
		d := newHash()
		_, _ = io.WriteString(d, strings.Join(parts, ":"))
		return hex.EncodeToString(d.Sum(nil))
	}
	const nc = "00000001"
	ha1 := h(c.user, ch.realm, c.pass)
	if strings.HasSuffix(ch.alg, "-SESS") {
		ha1 = h(ha1, ch.nonce, cnonce)
	}
	ha2 := h(method, uri)
	if ch.qop == "auth-int" {
		d := newHash()
		_, _ = d.Write(c.body)
		ha2 = h(method, uri, hex.EncodeToString(d.Sum(nil)))
	}
	var resp string
	if ch.qop == "" {
		resp = h(ha1, ch.nonce, ha2)
	} else {
		resp = h(ha1, ch.nonce, nc, cnonce, ch.qop, ha2)
	}
	user := c.user
	if ch.userhash {
		user = h(c.user, ch.realm)
	}
	if strings.ContainsAny(user, "\r\n") {
		return "", fmt.Errorf("digest auth: the user name %q cannot be sent in a header", user)
	}
	var b strings.Builder
	fmt.Fprintf(&b, `Digest username=%s, realm=%s, nonce=%s, uri=%s, algorithm=%s, response="%s"`,
		quoteHTTP(user), quoteHTTP(ch.realm), quoteHTTP(ch.nonce), quoteHTTP(uri), ch.algorithm, resp)
	if ch.opaque != "" {
		b.WriteString(", opaque=" + quoteHTTP(ch.opaque))
	}
	if ch.qop != "" {
		fmt.Fprintf(&b, `, qop=%s, nc=%s, cnonce="%s"`, ch.qop, nc, cnonce)
	}
	if ch.userhash {
		b.WriteString(", userhash=true")
	}
	return b.String(), nil
}

// quoteHTTP writes s as an HTTP quoted-string.
func quoteHTTP(s string) string {
	return `"` + strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(s) + `"`
}

func newCnonce() string {
	var b [12]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}
