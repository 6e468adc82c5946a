package main

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/pem"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/nnprotect/nnjs/internal/runrecord"
)

// TestRemoteModuleImport runs the nnjs binary (the system roots, which honour SSL_CERT_FILE,
// are loaded once per process) on a script importing a module from a local HTTPS server;
// that module imports a relative one. The second run is served by the cache; --offline with
// an empty cache fails naming the URL.
func TestRemoteModuleImport(t *testing.T) {
	t.Parallel()
	files := map[string]string{
		"/k6-summary/0.0.2/index.js": `import { pad } from "./pad.js"; export function textSummary() { return pad("ok"); }`,
		"/k6-summary/0.0.2/pad.js":   `export function pad(s) { return "[" + s + "]"; }`,
	}
	var hits atomic.Int64
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		body, ok := files[r.URL.Path]
		if !ok {
			http.NotFound(w, r)
			return
		}
		_, _ = w.Write([]byte(body))
	}))
	t.Cleanup(srv.Close)
	dir := t.TempDir()
	caFile := filepath.Join(dir, "ca.pem")
	require.NoError(t, os.WriteFile(caFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: srv.Certificate().Raw}), 0o600))
	modURL := srv.URL + "/k6-summary/0.0.2/index.js"
	script := scriptFileIn(t, dir, "remote.js", `import { check } from "k6";
import { textSummary } from "`+modURL+`";
export const options = { iterations: 1, thresholds: { checks: ["rate==1"] } };
export default function () { check(null, { "remote module ran": () => textSummary() === "[ok]" }); }
`)
	bin := builtNNJS(t)
	run := func(cache string, extra []string, args ...string) (int, string) {
		return runBinary(t, bin, append([]string{"SSL_CERT_FILE=" + caFile, "SSL_CERT_DIR=/nonexistent", "XDG_CACHE_HOME=" + cache}, extra...), args...)
	}

	cache := t.TempDir()
	export := filepath.Join(dir, "out.json")
	code, out := run(cache, nil, "--summary-export", export, script)
	require.Equal(t, 0, code, out)
	assert.Equal(t, int64(2), hits.Load(), "the module and its relative import were fetched")
	rec := recordIn(t, export)
	require.Len(t, rec.Modules, 2, "the run record lists the remote modules")
	assert.Equal(t, runrecord.File{Path: modURL, SHA256: sha256Hex(files["/k6-summary/0.0.2/index.js"])}, rec.Modules[0])
	assert.Equal(t, runrecord.File{Path: srv.URL + "/k6-summary/0.0.2/pad.js", SHA256: sha256Hex(files["/k6-summary/0.0.2/pad.js"])}, rec.Modules[1])

	code, out = run(cache, nil, "--offline", script)
	require.Equal(t, 0, code, out)
	assert.Equal(t, int64(2), hits.Load(), "the second run is served by the cache")

	code, out = run(t.TempDir(), nil, "--offline", script)
	assert.Equal(t, exitScriptException, code, out)
	assert.Contains(t, out, modURL)
	assert.Contains(t, out, "--offline")
	code, out = run(t.TempDir(), []string{"NNJS_OFFLINE=true"}, script)
	assert.Equal(t, exitScriptException, code, out)
	assert.Contains(t, out, modURL)
	assert.Equal(t, int64(2), hits.Load(), "offline fetches nothing")

	code, out = run(t.TempDir(), []string{"NNJS_OFFLINE=maybe"}, script)
	assert.Equal(t, exitInvalidConfig, code, out)
	assert.Contains(t, out, "NNJS_OFFLINE")

	code, out = run(t.TempDir(), []string{"SSL_CERT_FILE=/nonexistent.pem"}, script)
	assert.Equal(t, exitScriptException, code, "without the CA the server is not trusted: %s", out)
	assert.Contains(t, out, modURL)
}

// TestRemoteModuleOverPlainHTTPNeedsTheFlag: http:// imports are refused unless
// --insecure-remote-modules.
func TestRemoteModuleOverPlainHTTPNeedsTheFlag(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		_, _ = w.Write([]byte(`export const n = 1;`))
	}))
	t.Cleanup(srv.Close)
	dir := t.TempDir()
	script := scriptFileIn(t, dir, "plain.js", `import { n } from "`+srv.URL+`/m.js";
export const options = { iterations: n };
export default function () {}
`)
	bin := builtNNJS(t)
	run := func(args ...string) (int, string) {
		return runBinary(t, bin, []string{"XDG_CACHE_HOME=" + t.TempDir()}, args...)
	}
	code, out := run(script)
	assert.Equal(t, exitScriptException, code, out)
	assert.Contains(t, out, srv.URL+"/m.js")
	assert.Contains(t, out, "--insecure-remote-modules")
	code, out = run("--insecure-remote-modules", script)
	assert.Equal(t, 0, code, out)
}

// runBinary runs `nnjs run -q --no-summary args...` with env added to the environment (and
// NNJS_OFFLINE cleared first) and returns its exit code and output.
func runBinary(t *testing.T, bin string, env []string, args ...string) (int, string) {
	t.Helper()
	cmd := exec.CommandContext(t.Context(), bin, append([]string{"run", "-q", "--no-summary"}, args...)...)
	cmd.Env = append(append(os.Environ(), "NNJS_OFFLINE="), env...)
	out, err := cmd.CombinedOutput()
	var ee *exec.ExitError
	if err != nil {
		require.ErrorAs(t, err, &ee, string(out))
		return ee.ExitCode(), string(out)
	}
	return 0, string(out)
}

func sha256Hex(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:])
}

// TestArchiveRunsOffline: `nnjs archive` packs the script, a local module, an open()ed file,
// a remote module (with its relative import) and the resolved options (NNJS_ITERATIONS=3 at
// archive time); `nnjs run test.tar` runs it with the server closed, the original files
// gone, an empty module cache and no CA.
func TestArchiveRunsOffline(t *testing.T) {
	t.Parallel()
	files := map[string]string{
		"/lib/index.js": `import { inc } from "./inc.js"; export function three() { return inc(2); }`,
		"/lib/inc.js":   `export function inc(n) { return n + 1; }`,
	}
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, ok := files[r.URL.Path]
		if !ok {
			http.NotFound(w, r)
			return
		}
		_, _ = w.Write([]byte(body))
	}))
	dir := t.TempDir()
	caFile := filepath.Join(t.TempDir(), "ca.pem")
	require.NoError(t, os.WriteFile(caFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: srv.Certificate().Raw}), 0o600))
	scriptFileIn(t, dir, "data/users.json", `["ann", "bob"]`)
	scriptFileIn(t, dir, "lib/local.js", `export const users = JSON.parse(open("../data/users.json"));`)
	script := scriptFileIn(t, dir, "main.js", `import { check } from "k6";
import { users } from "./lib/local.js";
import { three } from "`+srv.URL+`/lib/index.js";
export const options = { iterations: 1, thresholds: { checks: ["rate==1"] } };
export default function () { check(null, { "archived": () => three() === 3 && users[1] === "bob" }); }
`)
	bin := builtNNJS(t)
	tarFile := filepath.Join(t.TempDir(), "test.tar")
	cmd := exec.CommandContext(t.Context(), bin, "archive", script, "-o", tarFile)
	cmd.Env = append(os.Environ(), "SSL_CERT_FILE="+caFile, "SSL_CERT_DIR=/nonexistent", "XDG_CACHE_HOME="+t.TempDir(), "NNJS_OFFLINE=", "NNJS_ITERATIONS=3")
	out, err := cmd.CombinedOutput()
	require.NoError(t, err, string(out))

	srv.Close()
	require.NoError(t, os.RemoveAll(dir))
	export := filepath.Join(t.TempDir(), "out.json")
	code, log := runBinary(t, bin, []string{"XDG_CACHE_HOME=" + t.TempDir(), "SSL_CERT_FILE=/nonexistent.pem"}, "--summary-export", export, tarFile)
	require.Equal(t, 0, code, log)
	d := loadExport(t, export)
	assert.Equal(t, 3.0, d.num(t, "iterations", "count"), "the archived options (NNJS_ITERATIONS=3 when archiving) apply")
	assert.Equal(t, 3.0, d.num(t, "checks", "passes"))
	rec := recordIn(t, export)
	assert.Equal(t, tarFile, rec.Script.Path)
	require.Len(t, rec.Modules, 3, "local module and two remote modules")
	assert.Equal(t, srv.URL+"/lib/index.js", rec.Modules[2].Path)

	code, log = runBinary(t, bin, nil, "-i", "1", "--summary-export", export, tarFile)
	require.Equal(t, 0, code, log)
	assert.Equal(t, 1.0, loadExport(t, export).num(t, "iterations", "count"), "flags override the archived options")
}
