package pg

import (
	neturl "net/url"
	"strings"
)

// masked replaces every secret MaskURL hides.
const masked = "xxxxx"

// MaskURL returns s with its password hidden, for logs, errors and reports. It handles
// URLs (postgres://user:secret@host/db, also a password=... query parameter) and key=value
// DSNs (host=h password='se cret'); any key containing "password" is masked. It never
// fails: an unparseable string is masked as far as it can be recognised.
func MaskURL(s string) string {
	if i := strings.Index(s, "://"); i >= 0 {
		return maskURLForm(s, i+3)
	}
	return maskDSN(s)
}

// maskURLForm hides the userinfo password and password query parameters; rest is where
// the authority starts. The password runs from the first ':' to the '@' that ends the
// userinfo. When an '@' also appears after the authority (an unescaped '/', '?' or '#' in
// the password makes that ambiguous) the LAST '@' is taken: masking too much is safe.
func maskURLForm(s string, rest int) string {
	auth := s[rest:]
	end := strings.IndexAny(auth, "/?#")
	if end < 0 {
		end = len(auth)
	}
	at := strings.LastIndex(auth[:end], "@")
	if strings.Contains(auth[end:], "@") {
		at = strings.LastIndex(auth, "@")
	}
	if at >= 0 {
		if c := strings.Index(auth[:at], ":"); c >= 0 {
			auth = auth[:c+1] + masked + auth[at:]
			at = c + 1 + len(masked)
		}
	}
	if q := strings.Index(auth[max(at, 0):], "?"); q >= 0 {
		q += max(at, 0)
		auth = auth[:q+1] + maskQuery(auth[q+1:])
	}
	return s[:rest] + auth
}

// maskQuery hides the values of password-like parameters in a URL query (and fragment).
func maskQuery(q string) string {
	parts := strings.Split(q, "&")
	for i, p := range parts {
		k, _, ok := strings.Cut(p, "=")
		if ok && isSecretKey(k) {
			parts[i] = k + "=" + masked
		}
	}
	return strings.Join(parts, "&")
}

func isSecretKey(k string) bool {
	return strings.Contains(strings.ToLower(k), "password")
}

// maskDSN hides password values in a libpq key=value string: key = value, where value is
// either 'quoted with \' and \\ escapes' or runs to the next whitespace.
func maskDSN(s string) string {
	var b strings.Builder
	i := 0
	for i < len(s) {
		eq := strings.IndexByte(s[i:], '=')
		if eq < 0 {
			b.WriteString(s[i:])
			break
		}
		eq += i
		key := strings.TrimSpace(s[i:eq])
		if f := strings.Fields(key); len(f) > 0 {
			key = f[len(f)-1]
		}
		b.WriteString(s[i : eq+1])
		j := eq + 1
		for j < len(s) && (s[j] == ' ' || s[j] == '\t') {
			b.WriteByte(s[j])
			j++
		}
		end := valueEnd(s, j)
		if isSecretKey(key) {
			b.WriteString(masked)
		} else {
			b.WriteString(s[j:end])
		}
		i = end
	}
	return b.String()
}

// valueEnd returns the index just past the DSN value starting at j.
func valueEnd(s string, j int) int {
	if j < len(s) && s[j] == '\'' {
		for k := j + 1; k < len(s); k++ {
			switch s[k] {
			case '\\':
				k++
			case '\'':
				return k + 1
			}
		}
		return len(s)
	}
	k := j
	for k < len(s) && s[k] != ' ' && s[k] != '\t' && s[k] != '\n' {
		if s[k] == '\\' {
			k++
		}
		k++
	}
	return min(k, len(s))
}

// minSecret is the shortest password a Masker replaces wherever it appears; shorter ones are
// hidden only inside the connection string, since replacing one or two characters everywhere
// would garble the text without protecting anything.
const minSecret = 3

// Masker hides the secrets of one connection string in any text: the string itself becomes
// its MaskURL form, and its password (plus any extra ones given) is replaced in raw and
// URL-escaped forms. The zero value changes nothing. It is safe for concurrent use.
type Masker struct {
	r *strings.Replacer
}

// NewMasker returns the masker of connection string raw; passwords adds secrets found
// elsewhere (e.g. the parsed configuration's password).
func NewMasker(raw string, passwords ...string) Masker {
	var pairs []string
	if raw != "" {
		pairs = append(pairs, raw, MaskURL(raw))
	}
	if u, err := neturl.Parse(raw); err == nil && u.User != nil {
		if pw, ok := u.User.Password(); ok {
			passwords = append(passwords, pw)
		}
	}
	for _, pw := range passwords {
		if len(pw) < minSecret {
			continue
		}
		pairs = append(pairs, pw, masked, neturl.QueryEscape(pw), masked, neturl.PathEscape(pw), masked)
	}
	if len(pairs) == 0 {
		return Masker{}
	}
	return Masker{r: strings.NewReplacer(pairs...)}
}

// Mask returns s without the masker's secrets.
func (m Masker) Mask(s string) string {
	if m.r == nil {
		return s
	}
	return m.r.Replace(s)
}

// MaskTree masks a decoded JSON value (maps, slices, strings) in place and returns it: the
// password of every string that may be a connection string (MaskURL) and, when secret is not
// nil, the whole of every string under a key for which secret reports true (the elements of
// an array count as under the array's key).
func MaskTree(v any, secret func(key string) bool) any { return maskTree("", v, secret) }

func maskTree(key string, v any, secret func(string) bool) any {
	switch x := v.(type) {
	case map[string]any:
		for k, e := range x {
			x[k] = maskTree(k, e, secret)
		}
	case []any:
		for i, e := range x {
			x[i] = maskTree(key, e, secret)
		}
	case string:
		if secret != nil && secret(key) {
			return masked
		}
		if strings.Contains(x, "://") || strings.Contains(strings.ToLower(x), "password") {
			return MaskURL(x)
		}
	}
	return v
}
