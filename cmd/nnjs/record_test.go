package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/nnprotect/nnjs/internal/runrecord"
)

const recordScript = `import { add } from './lib/mod.js';
export const options = { iterations: 2, thresholds: { iterations: ['count==2'] } };
export default function () { add(1, 2); }
export function handleSummary(data) {
  return { [__ENV.OUT]: JSON.stringify(data.run), stdout: 'handled\n' };
}
`

const recordModule = "export function add(a, b) { return a + b; }\n"

// recordIn reads the "run" key of a JSON document.
func recordIn(t *testing.T, path string) runrecord.Record {
	t.Helper()
	b, err := os.ReadFile(path)
	require.NoError(t, err)
	var doc struct{ Run runrecord.Record }
	require.NoError(t, json.Unmarshal(b, &doc))
	return doc.Run
}

// sameRecord asserts that two records are equal as JSON (the options are indented in some
// outputs).
func sameRecord(t *testing.T, want, got runrecord.Record, where string) {
	t.Helper()
	w, err := json.Marshal(want)
	require.NoError(t, err)
	g, err := json.Marshal(got)
	require.NoError(t, err)
	assert.JSONEq(t, string(w), string(g), where)
}

// TestEveryOutputCarriesTheSameRecord is acceptance 4: handleSummary's data, the summary
// export, the result file and the HTML report of one run carry the same run record, as the
// text summary's header line of another; changing one byte of an imported local module
// changes its hash (and nothing else's).
func TestEveryOutputCarriesTheSameRecord(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	script := scriptFileIn(t, dir, "rec.js", recordScript)
	scriptFileIn(t, dir, "lib/mod.js", recordModule)
	out := filepath.Join(dir, "out")
	hs, export, result, page := filepath.Join(out, "hs.json"), filepath.Join(out, "export.json"),
		filepath.Join(out, "run.result"), filepath.Join(out, "run.html")
	require.NoError(t, os.Mkdir(out, 0o755))
	r := nnjs(t.Context(), nil, "run", "-q", "-e", "OUT="+hs, "-e", "API_TOKEN=s3cret", "--summary-export", export,
		"--out", "result="+result, "--report", page, script)
	require.Equal(t, exitOK, r.code, r.stderr)
	require.Equal(t, "handled\n", r.stdout)

	b, err := os.ReadFile(hs)
	require.NoError(t, err)
	var rec runrecord.Record
	require.NoError(t, json.Unmarshal(b, &rec))
	assert.Regexp(t, `^[0-9a-f]{16}$`, rec.ID)
	assert.Equal(t, script, rec.Script.Path)
	assert.Regexp(t, `^[0-9a-f]{64}$`, rec.Script.SHA256)
	require.Len(t, rec.Modules, 1)
	assert.Equal(t, "lib/mod.js", rec.Modules[0].Path)
	assert.Contains(t, rec.Command, "API_TOKEN=xxxxx")
	assert.NotContains(t, strings.Join(rec.Command, " "), "s3cret")
	assert.False(t, rec.End.Before(rec.Start), "end %s, start %s", rec.End, rec.Start)
	assert.Equal(t, "0:1", rec.ExecutionSegment)
	assert.Contains(t, string(rec.Options), `"count==2"`)

	sameRecord(t, rec, recordIn(t, export), "summary export")
	sameRecord(t, rec, recordIn(t, result), "result file")
	d := reportData(t, page)
	require.Len(t, d.Runs, 1)
	var inReport runrecord.Record
	require.NoError(t, json.Unmarshal(d.Runs[0].Record, &inReport))
	sameRecord(t, rec, inReport, "HTML report")

	// The text summary starts with the record's header line.
	plain := scriptFileIn(t, dir, "plain.js", recordScript[:strings.Index(recordScript, "export function handleSummary")])
	r = nnjs(t.Context(), nil, "run", "-q", "--no-color", "--summary-export", export, plain)
	require.Equal(t, exitOK, r.code, r.stderr)
	r2 := recordIn(t, export)
	assert.NotEqual(t, rec.ID, r2.ID, "every run has its own id")
	assert.Equal(t, rec.Modules, r2.Modules)
	header, _, _ := strings.Cut(strings.TrimLeft(r.stdout, "\n "), "\n")
	assert.Equal(t, r2.Header(), header)

	// One byte changed in the module: its hash changes, the script's does not.
	scriptFileIn(t, dir, "lib/mod.js", strings.Replace(recordModule, "a + b", "a - b", 1))
	r = nnjs(t.Context(), nil, "inspect", script)
	require.Equal(t, exitOK, r.code, r.stderr)
	var ins struct{ Run runrecord.Record }
	require.NoError(t, json.Unmarshal([]byte(r.stdout), &ins))
	require.Len(t, ins.Run.Modules, 1)
	assert.Equal(t, rec.Script, ins.Run.Script)
	assert.Equal(t, "lib/mod.js", ins.Run.Modules[0].Path)
	assert.NotEqual(t, rec.Modules[0].SHA256, ins.Run.Modules[0].SHA256)
	assert.Equal(t, []string{"nnjs", "inspect", script}, ins.Run.Command)
}

// TestRecordFingerprintsTheMonitoredDatabase: a run with --db-monitor records the database's
// server version and name, with its URL masked.
func TestRecordFingerprintsTheMonitoredDatabase(t *testing.T) {
	t.Parallel()
	dbURL, name := stagingURL(t)
	export := filepath.Join(t.TempDir(), "export.json")
	r := nnjs(t.Context(), nil, "run", "-q", "--db-monitor", dbURL, "--summary-export", export,
		scriptFile(t, "s.js", "export const options = { iterations: 1 };\nexport default function () {}\n"))
	require.Equal(t, exitOK, r.code, r.stderr)
	b, err := os.ReadFile(export)
	require.NoError(t, err)
	assert.NotContains(t, string(b), testPassword)
	rec := recordIn(t, export)
	require.Len(t, rec.Databases, 1)
	db := rec.Databases[0]
	assert.Empty(t, db.Error)
	assert.Equal(t, []string{"monitor"}, db.Roles)
	assert.Equal(t, name, db.Name)
	assert.NotEmpty(t, db.ServerVersion)
	assert.False(t, db.Staging)
	assert.Contains(t, db.URL, "xxxxx")
}
