package dotenv

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestParse(t *testing.T) {
	tests := []struct {
		name, in string
		want     map[string]string
		err      bool
	}{
		{"plain", "DATABASE_URL=postgres://h/db\n", map[string]string{"DATABASE_URL": "postgres://h/db"}, false},
		{"export and comments", "# c\n\nexport A=1 # note\nB = two\n", map[string]string{"A": "1", "B": "two"}, false},
		{"single quotes are literal", `A='x\ny #z'`, map[string]string{"A": `x\ny #z`}, false},
		{"double quotes escape", `A="a\"b\\c\nd"`, map[string]string{"A": "a\"b\\c\nd"}, false},
		{"empty value", "A=\n", map[string]string{"A": ""}, false},
		{"no equals", "JUSTTEXT\n", nil, true},
		{"unterminated", `A="x`, nil, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := Parse(strings.NewReader(tc.in))
			if tc.err {
				assert.Error(t, err)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tc.want, got)
		})
	}
}

func TestParseErrorsHideValues(t *testing.T) {
	_, err := Parse(strings.NewReader(`DATABASE_URL="postgres://u:hunter2-secret@h`))
	require.Error(t, err)
	assert.NotContains(t, err.Error(), "hunter2")
}

// FuzzParse: the parser never panics, and a KEY='value' line round-trips.
func FuzzParse(f *testing.F) {
	f.Add("DATABASE_URL=postgres://h/db\nexport X=\"a\\nb\"", "postgres://u:p@h/db")
	f.Fuzz(func(t *testing.T, doc, value string) {
		_, _ = Parse(strings.NewReader(doc))
		if strings.ContainsAny(value, "'\n\r") {
			return
		}
		got, err := Parse(strings.NewReader("K='" + value + "'\n"))
		require.NoError(t, err)
		assert.Equal(t, value, got["K"])
	})
}
