package pg

import (
	"net/url"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestMaskURL(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"url with password", "postgres://nnjs:s3cret@db.example.com:5432/staging?sslmode=require",
			"postgres://nnjs:xxxxx@db.example.com:5432/staging?sslmode=require"},
		{"postgresql scheme", "postgresql://u:p4ss@h/db", "postgresql://u:xxxxx@h/db"},
		{"no password", "postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable",
			"postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable"},
		{"no userinfo", "postgres://127.0.0.1:5432/db", "postgres://127.0.0.1:5432/db"},
		{"escaped password", "postgres://u:p%40ss%2Fw@h/db", "postgres://u:xxxxx@h/db"},
		{"raw @ and / in password", "postgres://u:p@ss/w@h/db", "postgres://u:xxxxx@h/db"},
		{"raw # in password", "postgres://u:12#ab@h/db", "postgres://u:xxxxx@h/db"},
		{"password query parameter", "postgres://h/db?sslmode=disable&password=s3cret&user=u",
			"postgres://h/db?sslmode=disable&password=xxxxx&user=u"},
		{"sslpassword too", "postgres://u:a1b2@h/db?sslpassword=k3y", "postgres://u:xxxxx@h/db?sslpassword=xxxxx"},
		{"dsn", "host=db port=5432 user=nnjs password=s3cret dbname=staging",
			"host=db port=5432 user=nnjs password=xxxxx dbname=staging"},
		{"dsn quoted", `host=db password='se cr\'et' dbname=staging`, "host=db password=xxxxx dbname=staging"},
		{"dsn spaces around =", "host = db password = s3cret", "host = db password = xxxxx"},
		{"dsn upper-case key", "PASSWORD=s3cret host=db", "PASSWORD=xxxxx host=db"},
		{"dsn without password", "host=db user=nnjs", "host=db user=nnjs"},
		{"empty", "", ""},
		{"garbage", "not a url", "not a url"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			assert.Equal(t, tc.want, MaskURL(tc.in))
		})
	}
}

// FuzzMaskURL checks that a password never survives masking, whether written in a URL
// (escaped or raw) or a DSN, and that masking is idempotent and never panics.
func FuzzMaskURL(f *testing.F) {
	f.Add("nnjs", "s3cret", "db.example.com:5432")
	f.Add("u", "p@ss/w#rd?x", "h")
	f.Add("u:v", "a'b\\c d", "127.0.0.1")
	f.Fuzz(func(t *testing.T, user, pass, host string) {
		forms := connStrings(user, pass, host)
		rest := strings.Join(append(connStrings(user, "", host), connStrings(user, masked, host)...), " ") +
			" password=" + masked + " dbname=db"
		for i, in := range forms {
			out := MaskURL(in)
			assert.Equal(t, out, MaskURL(out), "idempotent")
			if !distinctive(pass, rest) || (i == 1 && !rawSafe(user, host)) {
				continue
			}
			secrets := []string{pass, url.PathEscape(pass), url.QueryEscape(pass), dsnQuote(pass)}
			if i == 0 {
				secrets = []string{url.UserPassword(user, pass).String()[len(url.User(user).String())+1:]}
			}
			for _, s := range secrets {
				assert.NotContains(t, out, s, "form %d: %q", i, in)
			}
		}
	})
}

// connStrings writes the same credentials as an escaped URL, a raw URL and a DSN.
func connStrings(user, pass, host string) []string {
	return []string{
		"postgres://" + url.UserPassword(user, pass).String() + "@" + host + "/db?sslmode=disable",
		"postgres://" + user + ":" + pass + "@" + host + "/db",
		"host=" + dsnQuote(host) + " user=" + dsnQuote(user) + " password=" + dsnQuote(pass) + " dbname=db",
	}
}

// distinctive reports whether pass (in any of its encodings) can be told apart from rest,
// the connection strings written without it or with the mask in its place.
func distinctive(pass, rest string) bool {
	if len(pass) < 3 {
		return false
	}
	for _, s := range []string{pass, url.PathEscape(pass), url.QueryEscape(pass), dsnQuote(pass)} {
		if strings.Contains(rest, s) {
			return false
		}
	}
	return true
}

// rawSafe reports whether an unescaped URL can be split at all: the user has no ':' and
// the host no '@', ':', '/', '?' or '#' after which a password could hide.
func rawSafe(user, host string) bool {
	return !strings.ContainsAny(user, ":@/?#") && !strings.ContainsAny(host, "@?#/")
}

func dsnQuote(s string) string {
	return "'" + strings.NewReplacer(`\`, `\\`, `'`, `\'`).Replace(s) + "'"
}

func TestMasker(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name, raw, msg, secret string
	}{
		{"userinfo", "postgres://u:pw1234@h/db", "dial postgres://u:pw1234@h/db failed: pw1234", "pw1234"},
		{"escaped", "postgres://u:p%40ss%2Fw@h/db", "bad postgres://u:p%40ss%2Fw@h/db (p@ss/w)", "p@ss/w"},
		{"escaped form", "postgres://u:p%40ss%2Fw@h/db", "user=u password=p%40ss%2Fw", "p%40ss%2Fw"},
		{"query", "postgres://u@h/db?password=topsecret", "url postgres://u@h/db?password=topsecret", "topsecret"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got := NewMasker(tc.raw).Mask(tc.msg)
			assert.NotContains(t, got, tc.secret)
			assert.Contains(t, got, masked)
		})
	}
	got := NewMasker("host=h password=abc123", "abc123").Mask("conn host=h password=abc123: abc123 rejected")
	assert.Equal(t, "conn host=h password=xxxxx: xxxxx rejected", got)
	got = NewMasker("postgres://u:pw@h/db").Mask("postgres://u:pw@h/db: wrong pw at power")
	assert.Equal(t, "postgres://u:xxxxx@h/db: wrong pw at power", got, "a two-byte password is hidden only in the URL")
	assert.Equal(t, "as is", Masker{}.Mask("as is"))
}

func TestMaskTree(t *testing.T) {
	t.Parallel()
	doc := map[string]any{
		"db":      "postgres://u:hunter2@h/db",
		"dsn":     "host=h PASSWORD=hunter2",
		"env":     map[string]any{"API_TOKEN": "tok-1", "URLS": []any{"postgres://u:hunter2@h/a", "plain"}},
		"tokens":  []any{"tok-2"},
		"count":   3.0,
		"summary": "p(95)<500",
	}
	secret := func(k string) bool { return strings.Contains(strings.ToLower(k), "token") }
	got := MaskTree(doc, secret).(map[string]any)
	assert.Equal(t, "postgres://u:xxxxx@h/db", got["db"])
	assert.Equal(t, "host=h PASSWORD=xxxxx", got["dsn"])
	env := got["env"].(map[string]any)
	assert.Equal(t, "xxxxx", env["API_TOKEN"])
	assert.Equal(t, []any{"postgres://u:xxxxx@h/a", "plain"}, env["URLS"])
	assert.Equal(t, []any{"xxxxx"}, got["tokens"], "an array's elements are under its key")
	assert.Equal(t, 3.0, got["count"])
	assert.Equal(t, "p(95)<500", got["summary"])

	plain := MaskTree(map[string]any{"API_TOKEN": "tok-1"}, nil).(map[string]any)
	assert.Equal(t, "tok-1", plain["API_TOKEN"], "without secret only connection strings are masked")
}
