package main

import (
	"encoding/json"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/spf13/pflag"

	"github.com/nnprotect/nnjs/engine/options"
	"github.com/nnprotect/nnjs/internal/archive"
	"github.com/nnprotect/nnjs/internal/remotemod"
)

const archiveHelp = `Usage: nnjs archive [flags] SCRIPT [-o FILE.tar]

Pack SCRIPT into one tar file that 'nnjs run FILE.tar' runs with neither the original files
nor the network: the script, every local module it imports, every file its init code
open()s, every remote module (fetched or from the module cache) and its resolved options
(the script's options with the K6_*/NNJS_* variables over them). Flags given to
'nnjs run FILE.tar' still override the archived options. __ENV is not archived: give -e to
the run.

  nnjs archive script.js -o test.tar
  nnjs run test.tar

Flags:
`

func (a *app) archiveCmd(args []string) int {
	fs := pflag.NewFlagSet("archive", pflag.ContinueOnError)
	fs.SetOutput(a.stderr)
	var sf scriptFlags
	sf.add(fs)
	out := fs.StringP("output", "o", "archive.tar", "write the archive to FILE")
	fs.Usage = func() { fmt.Fprint(a.stdout, archiveHelp, fs.FlagUsages()) }
	if code, done := a.parseArgs(fs, args, 1, "SCRIPT"); done {
		return code
	}
	if fs.Arg(0) == "-" {
		return a.fail("archive", exitErr(exitInvalidConfig, fmt.Errorf("archive: the script must be a file, not stdin")))
	}
	s, remote, err := a.loadWithFlags(fs, &sf, fs.Arg(0))
	if err != nil {
		return a.fail("archive", err)
	}
	if err := writeArchive(a, s, remote, *out); err != nil {
		return a.fail("archive", exitErr(exitInvalidConfig, err))
	}
	return exitOK
}

// writeArchive writes the archive of the loaded script s to path, through a temporary file
// renamed into place.
func writeArchive(a *app, s *script, remote *remotemod.Fetcher, path string) error {
	opts, err := json.Marshal(s.opts)
	if err != nil {
		return fmt.Errorf("archive: options: %w", err)
	}
	var files, remotes []archive.File
	for _, src := range s.prog.Sources() {
		if strings.Contains(src.Path, "://") {
			m, err := remote.Get(a.ctx, src.Path)
			if err != nil {
				return err
			}
			remotes = append(remotes, archive.File{Path: src.Path, Content: m.Content})
			continue
		}
		b, err := os.ReadFile(src.Path)
		if err != nil {
			return fmt.Errorf("archive: %w", err)
		}
		files = append(files, archive.File{Path: src.Path, Content: b})
	}
	opened := s.prog.OpenedFiles()
	for _, p := range slices.Sorted(maps.Keys(opened)) {
		files = append(files, archive.File{Path: p, Content: opened[p]})
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), ".nnjs-archive-*")
	if err != nil {
		return fmt.Errorf("archive: %w", err)
	}
	defer os.Remove(tmp.Name())
	if err := archive.Write(tmp, archive.Manifest{Script: s.prog.Path(), Options: opts}, files, remotes); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("archive: %w", err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("archive: %w", err)
	}
	return nil
}

// isArchive says whether the run's SCRIPT argument names an archive.
func isArchive(path string) bool { return strings.HasSuffix(path, ".tar") }

// unpacked is an archive extracted for a run: the script to compile, the fetcher serving its
// remote modules (offline, from the archive) and its options.
type unpacked struct {
	script  string
	remote  *remotemod.Fetcher
	options options.Options
	dir     string
}

// unpackArchive extracts the archive at path into a new temporary directory, which close
// removes.
func unpackArchive(path string) (*unpacked, error) {
	dir, err := os.MkdirTemp("", "nnjs-archive-")
	if err != nil {
		return nil, fmt.Errorf("archive: %w", err)
	}
	u := &unpacked{dir: dir}
	if err := u.fill(path); err != nil {
		u.close()
		return nil, err
	}
	return u, nil
}

func (u *unpacked) fill(path string) error {
	x, err := archive.Extract(path, filepath.Join(u.dir, "files"))
	if err != nil {
		return err
	}
	cache := filepath.Join(u.dir, "modules")
	for _, r := range x.Remote {
		if err := remotemod.Put(cache, r.URL, x.RemoteContent(r)); err != nil {
			return err
		}
	}
	if u.options, err = options.Parse(x.Options); err != nil {
		return fmt.Errorf("archive %s: options: %w", path, err)
	}
	u.script = x.Path(x.Script)
	u.remote = remotemod.New(remotemod.Config{Dir: cache, Offline: true})
	return nil
}

func (u *unpacked) close() { _ = os.RemoveAll(u.dir) }
