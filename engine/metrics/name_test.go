package metrics

import (
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
)

// k6NameRE is k6's metric-name rule as k6 writes it; validName must agree with it.
var k6NameRE = regexp.MustCompile(`^[a-zA-Z_][a-zA-Z0-9_]{1,128}$`)

func TestValidNameAgreesWithK6Expression(t *testing.T) {
	t.Parallel()
	for _, name := range []string{
		"", "a", "_", "ab", "a1", "_1", "__", "1a", "9", "http_req_duration", "Orders_2",
		"a-b", "a.b", "a b", "é_x", "x\n", "ab$", strings.Repeat("a", 128), strings.Repeat("a", 129),
		strings.Repeat("a", 130), "_" + strings.Repeat("9", 128), "Z" + strings.Repeat("9", 129),
	} {
		assert.Equal(t, k6NameRE.MatchString(name), validName(name), "%q", name)
	}
}

func FuzzValidName(f *testing.F) {
	for _, s := range []string{"ab", "1a", "a-b", strings.Repeat("x", 129), "_\x00"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, name string) {
		if got, want := validName(name), k6NameRE.MatchString(name); got != want {
			t.Fatalf("validName(%q) = %v, k6's expression says %v", name, got, want)
		}
	})
}
