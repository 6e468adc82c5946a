package jsapi

import (
	"errors"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"strings"
	"sync"

	"github.com/dop251/goja"
	"github.com/evanw/esbuild/pkg/api"

	"github.com/nnprotect/nnjs/internal/remotemod"
	"github.com/nnprotect/nnjs/jsapi/modules"
)

// CompileOptions configures Compile.
type CompileOptions struct {
	// Modules are the built-in modules the script may import; their names are left to the
	// run-time require. Nil means DefaultModules().
	Modules *modules.Registry
	// Source, when not nil, is the script's code (k6's `run -`: the script on stdin). Its
	// relative imports and open() paths resolve from the directory of path, which names it in
	// messages.
	Source []byte
	// Remote, when not nil, fetches the modules imported by http(s) URL (and the relative
	// imports inside them); nil leaves such imports unresolved.
	Remote *remotemod.Fetcher
}

// Program is a bundled and compiled script. It is immutable and safe for concurrent use: every
// runtime runs the same compiled code.
type Program struct {
	path    string // absolute path of the entry script
	dir     string // its directory (BaseDir default for open())
	code    *goja.Program
	modules *modules.Registry
	files   *fileCache
	sources []Source
}

// Source is one file bundled into a Program: its absolute path (or, for a remote module, its
// URL) and the SHA-256 (hex) of the bytes that were compiled.
type Source struct {
	Path   string
	SHA256 string
}

// Sources returns the files the Program was built from: the entry script first, then each
// bundled module in path order (local files, then remote modules by URL). The slice must not be modified.
func (p *Program) Sources() []Source { return p.sources }

// OpenedFiles returns the files open() has read so far, by absolute path (after Inspect: those
// the init code opened). The contents are shared and must not be modified.
func (p *Program) OpenedFiles() map[string][]byte {
	p.files.mu.Lock()
	defer p.files.mu.Unlock()
	return maps.Clone(p.files.files)
}

// Path returns the absolute path of the entry script.
func (p *Program) Path() string { return p.path }

// bundleWrapper turns the CommonJS bundle into one function expression; the source map that
// esbuild appends after the footer accounts for the banner line.
const (
	bundleBanner = "(function (module, exports, require) {"
	bundleFooter = "})"
)

// Compile bundles the script at path with esbuild and compiles it once with goja. Syntax
// errors are returned as *ScriptError naming the original file, line and column.
func Compile(path string, opts CompileOptions) (*Program, error) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, fmt.Errorf("compile: %w", err)
	}
	if opts.Source == nil {
		if _, err := os.Stat(abs); err != nil {
			return nil, fmt.Errorf("compile: %w", err)
		}
	}
	reg := opts.Modules
	if reg == nil {
		reg = DefaultModules()
	}
	hashes := &sourceHashes{sums: map[string]string{}}
	src, err := bundle(abs, opts.Source, reg, hashes, opts.Remote)
	if err != nil {
		return nil, err
	}
	code, err := goja.Compile(abs, src, false)
	if err != nil {
		return nil, fmt.Errorf("compile: %w", scriptErrorFrom(err))
	}
	return &Program{path: abs, dir: filepath.Dir(abs), code: code, modules: reg, files: newFileCache(),
		sources: hashes.list(abs)}, nil
}

// bundle bundles the entry script abs, or stdin (code named abs) when it is not nil; hashes,
// when not nil, records the files' hashes; remote, when not nil, fetches the modules imported by
// URL.
func bundle(abs string, stdin []byte, reg *modules.Registry, hashes *sourceHashes, remote *remotemod.Fetcher) (string, error) {
	plugins := hashes.plugins()
	if remote != nil {
		plugins = append(plugins, remotePlugin(remote, hashes))
	}
	dir := filepath.Dir(abs)
	entry := []string{abs}
	var in *api.StdinOptions
	if stdin != nil {
		entry, in = nil, &api.StdinOptions{Contents: string(stdin), ResolveDir: dir, Sourcefile: abs, Loader: api.LoaderJS}
		hashes.record(abs, stdin)
	}
	res := api.Build(api.BuildOptions{
		EntryPoints:       entry,
		Stdin:             in,
		AbsWorkingDir:     dir,
		Outdir:            dir,
		Bundle:            true,
		Write:             false,
		Format:            api.FormatCommonJS,
		Platform:          api.PlatformNeutral,
		Target:            api.ES2017,
		Sourcemap:         api.SourceMapInline,
		SourcesContent:    api.SourcesContentExclude,
		Charset:           api.CharsetUTF8,
		LogLevel:          api.LogLevelSilent,
		External:          append(reg.Names(), "k6", "k6/*", "nnjs", "nnjs/*"),
		Loader:            loaders,
		ResolveExtensions: []string{".ts", ".js", ".mjs", ".cjs", ".mts", ".cts", ".json"},
		Plugins:           plugins,
		Banner:            map[string]string{"js": bundleBanner},
		Footer:            map[string]string{"js": bundleFooter},
	})
	if len(res.Errors) > 0 {
		return "", fmt.Errorf("compile: %w", esbuildError(dir, res.Errors))
	}
	for _, f := range res.OutputFiles {
		if strings.HasSuffix(f.Path, ".js") {
			return leanHelpers(string(f.Contents)), nil
		}
	}
	return "", fmt.Errorf("compile: %s: esbuild produced no JavaScript", abs)
}

// esbuildError converts esbuild's first error (and counts the rest) into a *ScriptError.
func esbuildError(dir string, msgs []api.Message) error {
	m := msgs[0]
	se := &ScriptError{Msg: m.Text}
	if len(msgs) > 1 {
		se.Msg = fmt.Sprintf("%s (and %d more errors)", m.Text, len(msgs)-1)
	}
	if l := m.Location; l != nil {
		se.File = l.File
		if !filepath.IsAbs(se.File) {
			se.File = filepath.Join(dir, se.File)
		}
		se.Line, se.Col = l.Line, l.Column+1
		se.Stack = "\t" + l.LineText + "\n"
	}
	return se
}

// fileCache keeps the bytes of files opened by open() so that every VU shares one copy.
type fileCache struct {
	mu    sync.Mutex
	files map[string][]byte
}

func newFileCache() *fileCache { return &fileCache{files: map[string][]byte{}} }

// read returns the content of the file at the absolute path abs, reading it once.
func (c *fileCache) read(abs string) ([]byte, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if b, ok := c.files[abs]; ok {
		return b, nil
	}
	b, err := os.ReadFile(abs)
	if err != nil {
		return nil, fmt.Errorf("open: %w", err)
	}
	c.files[abs] = b
	return b, nil
}

// errNoExport is returned when the scenario names a function the script does not export.
var errNoExport = errors.New("function not exported by the script")
