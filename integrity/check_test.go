package integrity

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestParseCheck(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, file, text string
		want             Check
		wantErr          bool
	}{
		{name: "defaults", file: "dir/orphans.sql", text: "SELECT 1;\n",
			want: Check{ID: "orphans", Severity: Critical, Explanation: "custom check orphans.sql", SQL: "SELECT 1", Source: "dir/orphans.sql"}},
		{name: "header keys", file: "x.sql",
			text: "-- Severity: Warning\n-- explain: money on cents\n--needs: baseline, payments_ok\n\nSELECT 2 -- trailing\n;",
			want: Check{ID: "x", Severity: Warning, Explanation: "money on cents", Needs: []Need{NeedBaseline, NeedPaymentsOK},
				SQL: "-- Severity: Warning\n-- explain: money on cents\n--needs: baseline, payments_ok\n\nSELECT 2 -- trailing", Source: "x.sql"}},
		{name: "keys after the SQL are not headers", file: "y.sql", text: "SELECT 3\n-- severity: nonsense",
			want: Check{ID: "y", Severity: Critical, Explanation: "custom check y.sql", SQL: "SELECT 3\n-- severity: nonsense", Source: "y.sql"}},
		{name: "bad severity", file: "a.sql", text: "-- severity: fatal\nSELECT 1", wantErr: true},
		{name: "unknown need", file: "a.sql", text: "-- needs: coffee\nSELECT 1", wantErr: true},
		{name: "only comments", file: "a.sql", text: "-- explain: nothing\n\n-- here\n", wantErr: true},
		{name: "empty", file: "a.sql", text: "  ;  ", wantErr: true},
		{name: "bad id", file: "-rm.sql", text: "SELECT 1", wantErr: true},
		{name: "id with spaces", file: "my check.sql", text: "SELECT 1", wantErr: true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := ParseCheck(tc.file, tc.text)
			if tc.wantErr {
				assert.True(t, errors.Is(err, ErrCheckFile), "got %v", err)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tc.want, got)
		})
	}
}

func FuzzParseCheck(f *testing.F) {
	f.Add("c.sql", "-- severity: warning\n-- explain: e\nSELECT 1")
	f.Add("c.sql", "-- needs: baseline,payments_failed\nSELECT $1")
	f.Add("c.sql", "--\n--:\n-- severity:\n")
	f.Fuzz(func(t *testing.T, name, text string) {
		c, err := ParseCheck(name, text)
		if err != nil {
			if !errors.Is(err, ErrCheckFile) {
				t.Fatalf("error does not wrap ErrCheckFile: %v", err)
			}
			return
		}
		if c.Severity != Critical && c.Severity != Warning {
			t.Fatalf("severity %q", c.Severity)
		}
		if !hasStatement(c.SQL) || strings.HasSuffix(c.SQL, ";") || c.ID == "" || c.Explanation == "" {
			t.Fatalf("incomplete check %+v", c)
		}
	})
}

func TestBuiltinsCoverTheDomainInvariants(t *testing.T) {
	t.Parallel()
	var ids []string
	for _, c := range Builtins() {
		ids = append(ids, c.ID)
		assert.NotEmpty(t, c.Explanation, c.ID)
		assert.Equal(t, "builtin", c.Source)
		assert.Equal(t, c.ID == "C17", c.Severity == Warning, "%s severity", c.ID)
	}
	want := []string{"R01", "R02", "R03", "R04"}
	for i := 1; i <= 25; i++ {
		want = append(want, fmt.Sprintf("C%02d", i))
	}
	assert.ElementsMatch(t, want, ids)
}

func TestLoadDir(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	write := func(name, text string) {
		require.NoError(t, os.WriteFile(filepath.Join(dir, name), []byte(text), 0o600))
	}
	write("b.sql", "SELECT 2")
	write("a.sql", "-- severity: warning\nSELECT 1")
	write("notes.txt", "ignored")
	require.NoError(t, os.Mkdir(filepath.Join(dir, "sub.sql"), 0o700))
	checks, err := LoadDir(dir)
	require.NoError(t, err)
	require.Len(t, checks, 2)
	assert.Equal(t, "a", checks[0].ID)
	assert.Equal(t, Warning, checks[0].Severity)
	assert.Equal(t, "b", checks[1].ID)

	write("R02.sql", "SELECT 1")
	_, err = LoadDir(dir)
	assert.True(t, errors.Is(err, ErrCheckFile), "a built-in id: %v", err)
	_, err = LoadDir(filepath.Join(dir, "missing"))
	assert.True(t, errors.Is(err, ErrCheckFile), "a missing dir: %v", err)
}
