package runrecord

import (
	"encoding/json"
	"regexp"
	"strings"

	"github.com/nnprotect/nnjs/internal/pg"
)

// Masked replaces every secret value in a record.
const Masked = "xxxxx"

// secretKey matches the names of variables and option keys whose values are secrets.
var secretKey = regexp.MustCompile(`(?i)pass|pwd|secret|token|key|auth|credential|cookie|session|private|signature`)

// identifier matches names that can be a variable or an option key (not a threshold's
// "metric{tag:value}" key, whose expressions are never secret).
var identifier = regexp.MustCompile(`^[A-Za-z0-9_.-]+$`)

// SecretKey reports whether a variable or option named k holds a secret (its value is masked).
func SecretKey(k string) bool { return identifier.MatchString(k) && secretKey.MatchString(k) }

// envFlags are the flags whose values are KEY=VALUE pairs for __ENV.
var envFlags = []string{"-e", "--env"}

// MaskArgs returns a copy of a command line with its secrets masked: the password of every
// connection string (URL or key=value form), and the value of each -e/--env KEY=VALUE whose
// KEY looks secret (SecretKey).
func MaskArgs(args []string) []string {
	out := make([]string, len(args))
	envNext := false
	for i, a := range args {
		a = pg.MaskURL(a)
		switch {
		case envNext:
			a = MaskEnvPair(a)
			envNext = false
		case isEnvFlag(a):
			envNext = true
		default:
			for _, f := range envFlags {
				if v, ok := strings.CutPrefix(a, f+"="); ok {
					a = f + "=" + MaskEnvPair(v)
				} else if v, ok := strings.CutPrefix(a, f); ok && f == "-e" && v != "" {
					a = f + MaskEnvPair(v)
				}
			}
		}
		out[i] = a
	}
	return out
}

func isEnvFlag(a string) bool {
	for _, f := range envFlags {
		if a == f {
			return true
		}
	}
	return false
}

// MaskEnvPair masks KEY=VALUE when KEY looks secret, and the password of a connection
// string in VALUE otherwise.
func MaskEnvPair(kv string) string {
	k, _, ok := strings.Cut(kv, "=")
	if ok && SecretKey(k) {
		return k + "=" + Masked
	}
	return pg.MaskURL(kv)
}

// maskOptions marshals the resolved options and masks them: string values under a secret
// key, and the password of every connection string.
func maskOptions(o any) (json.RawMessage, error) {
	b, err := json.Marshal(o)
	if err != nil {
		return nil, err
	}
	var v any
	if err := json.Unmarshal(b, &v); err != nil {
		return nil, err
	}
	return json.Marshal(pg.MaskTree(v, SecretKey))
}
