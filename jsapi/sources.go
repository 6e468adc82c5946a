package jsapi

import (
	"crypto/sha256"
	"encoding/hex"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"sync"

	"github.com/evanw/esbuild/pkg/api"
)

// loaders maps the file extensions a script may import to esbuild's loaders.
var loaders = map[string]api.Loader{
	".js": api.LoaderJS, ".mjs": api.LoaderJS, ".cjs": api.LoaderJS,
	".ts": api.LoaderTS, ".mts": api.LoaderTS, ".cts": api.LoaderTS, ".json": api.LoaderJSON,
}

// sourceHashes records the SHA-256 of every local file esbuild bundles. Its plugin reads each
// file itself and hands esbuild those very bytes, so a hash is always of what was compiled.
type sourceHashes struct {
	mu   sync.Mutex
	sums map[string]string // absolute path -> hex SHA-256
}

// plugins returns the esbuild plugin that records the hashes (none for a nil h).
func (h *sourceHashes) plugins() []api.Plugin {
	if h == nil {
		return nil
	}
	return []api.Plugin{{Name: "nnjs-source-hashes", Setup: func(b api.PluginBuild) {
		b.OnLoad(api.OnLoadOptions{Filter: ".*", Namespace: "file"}, h.load)
	}}}
}

// load reads one local file for esbuild. Files of an extension nnjs does not load are left to
// esbuild, which reports them.
func (h *sourceHashes) load(args api.OnLoadArgs) (api.OnLoadResult, error) {
	loader, ok := loaders[filepath.Ext(args.Path)]
	if !ok {
		return api.OnLoadResult{}, nil
	}
	b, err := os.ReadFile(args.Path)
	if err != nil {
		return api.OnLoadResult{}, err
	}
	h.record(args.Path, b)
	contents := string(b)
	return api.OnLoadResult{Contents: &contents, Loader: loader}, nil
}

// record keeps the hash of the bytes b compiled as path (nothing for a nil h).
func (h *sourceHashes) record(path string, b []byte) {
	if h == nil {
		return
	}
	sum := sha256.Sum256(b)
	h.mu.Lock()
	h.sums[path] = hex.EncodeToString(sum[:])
	h.mu.Unlock()
}

// list returns the entry script first, then the other files in path order.
func (h *sourceHashes) list(entry string) []Source {
	h.mu.Lock()
	defer h.mu.Unlock()
	out := make([]Source, 0, len(h.sums))
	if sum, ok := h.sums[entry]; ok {
		out = append(out, Source{Path: entry, SHA256: sum})
	}
	for _, p := range slices.Sorted(maps.Keys(h.sums)) {
		if p != entry {
			out = append(out, Source{Path: p, SHA256: h.sums[p]})
		}
	}
	return out
}
