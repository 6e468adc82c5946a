package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/spf13/pflag"
)

// suiteEntry is one script of a suite file: its own environment and flags go over the
// command line's.
type suiteEntry struct {
	Name   string            `json:"name"`   // default: the script's file name without extension
	Script string            `json:"script"` // relative to the suite file's directory
	Env    map[string]string `json:"env"`
	Flags  []string          `json:"flags"`
	line   int               // where the entry starts in the suite file (0: from the command line)
	from   string            // the suite file, or "" for the command line
}

// where names the entry in errors: "suite.json:4: entry 2 (smoke)".
func (e suiteEntry) where(i int) string {
	name := e.Name
	if name == "" {
		name = e.Script
	}
	if e.from == "" {
		return fmt.Sprintf("script %d (%s)", i+1, name)
	}
	return fmt.Sprintf("%s:%d: entry %d (%s)", e.from, e.line, i+1, name)
}

// suiteScript is one script of a suite, its flags resolved.
type suiteScript struct {
	name, path string
	fs         *pflag.FlagSet
	flags      *runFlags
}

// suiteFlags are run's flags that apply to the suite as a whole, never to one script.
var suiteFlags = []string{"suite", "fail-fast", "junit"}

// scriptNameRE is what a suite entry's name may be: it goes into output file names.
var scriptNameRE = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]*$`) })

// readSuiteFile reads a suite file: a JSON list of entries. Errors name the file, the line
// and the entry.
func readSuiteFile(path string) ([]suiteEntry, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("--suite: %w", err)
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	if tok, err := dec.Token(); err != nil || tok != json.Delim('[') {
		return nil, fmt.Errorf("--suite %s: want a JSON list of entries like "+
			`[{"script": "a.js", "env": {"K": "V"}, "flags": ["-u", "5"]}]`, path)
	}
	var out []suiteEntry
	for dec.More() {
		line := lineAt(b, dec.InputOffset())
		var raw json.RawMessage
		if err := dec.Decode(&raw); err != nil {
			return nil, fmt.Errorf("--suite %s:%d: %w", path, line, err)
		}
		e := suiteEntry{line: line, from: path}
		ed := json.NewDecoder(bytes.NewReader(raw))
		ed.DisallowUnknownFields()
		if err := ed.Decode(&e); err != nil {
			return nil, fmt.Errorf("--suite %s:%d: entry %d: %w (fields: name, script, env, flags)", path, line, len(out)+1, err)
		}
		if e.Script == "" {
			return nil, fmt.Errorf("--suite %s:%d: entry %d: field \"script\" is missing", path, line, len(out)+1)
		}
		if !filepath.IsAbs(e.Script) {
			e.Script = filepath.Join(filepath.Dir(path), e.Script)
		}
		out = append(out, e)
	}
	if _, err := dec.Token(); err != nil {
		return nil, fmt.Errorf("--suite %s:%d: %w", path, lineAt(b, dec.InputOffset()), err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return nil, fmt.Errorf("--suite %s: text after the list", path)
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("--suite %s: the list has no entries", path)
	}
	return out, nil
}

// lineAt returns the line of byte offset off in b, skipping the separators before a value.
func lineAt(b []byte, off int64) int {
	for int(off) < len(b) && strings.ContainsRune(" \t\r\n,", rune(b[off])) {
		off++
	}
	return bytes.Count(b[:off], []byte("\n")) + 1
}

// commandLineEntries turns run's arguments into suite entries: a directory stands for its
// *.js and *.ts files in name order.
func commandLineEntries(args []string) ([]suiteEntry, error) {
	var out []suiteEntry
	for _, arg := range args {
		if arg == "-" {
			return nil, errors.New("a suite cannot read a script from stdin (\"-\")")
		}
		if !isDir(arg) {
			out = append(out, suiteEntry{Script: arg})
			continue
		}
		files, err := os.ReadDir(arg)
		if err != nil {
			return nil, fmt.Errorf("script directory %s: %w", arg, err)
		}
		n := len(out)
		for _, f := range files { // os.ReadDir sorts by name
			if ext := filepath.Ext(f.Name()); !f.IsDir() && (ext == ".js" || ext == ".ts") {
				out = append(out, suiteEntry{Script: filepath.Join(arg, f.Name())})
			}
		}
		if len(out) == n {
			return nil, fmt.Errorf("script directory %s has no *.js or *.ts file", arg)
		}
	}
	return out, nil
}

func isDir(path string) bool {
	st, err := os.Stat(path)
	return err == nil && st.IsDir()
}

// planSuite resolves the suite's scripts and each one's flags: the command line's, its
// output files named after the script, then the entry's env and flags. Everything that
// can be checked without running a script is checked here, before the first one runs.
func (a *app) planSuite(cli *pflag.FlagSet, cf *runFlags) ([]suiteScript, error) {
	var entries []suiteEntry
	var err error
	switch {
	case cf.suite != "" && cli.NArg() > 0:
		return nil, fmt.Errorf("give scripts or --suite FILE, not both (got --suite %s and %d scripts)", cf.suite, cli.NArg())
	case cf.suite != "":
		entries, err = readSuiteFile(cf.suite)
	default:
		entries, err = commandLineEntries(cli.Args())
	}
	if err != nil {
		return nil, err
	}
	if err := cf.checkSuiteFlags(); err != nil {
		return nil, err
	}
	if cf.report != "" {
		if err := checkWritable("--report ", cf.report); err != nil {
			return nil, fmt.Errorf("%w (a suite writes its report index there)", err)
		}
	}
	names := map[string]bool{}
	var out []suiteScript
	for i, e := range entries {
		sc, err := a.planScript(cli, e, i, names)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", e.where(i), err)
		}
		out = append(out, sc)
	}
	return out, checkDistinctOutputs(out, cf)
}

// planScript resolves one entry's name and flags.
func (a *app) planScript(cli *pflag.FlagSet, e suiteEntry, i int, names map[string]bool) (suiteScript, error) {
	name := e.Name
	if name == "" {
		name = strings.TrimSuffix(filepath.Base(e.Script), filepath.Ext(e.Script))
		if names[name] {
			name += "-" + strconv.Itoa(i+1)
		}
	}
	if !scriptNameRE().MatchString(name) {
		return suiteScript{}, fmt.Errorf("name %q: use letters, digits, '.', '_' and '-' (it names the script's output files)", name)
	}
	if names[name] {
		return suiteScript{}, fmt.Errorf("name %q is used by an earlier entry", name)
	}
	names[name] = true
	fs, f := newRunFlags(a)
	fs.Usage = func() {}
	var err error
	cli.Visit(func(fl *pflag.Flag) {
		if err == nil && !slices.Contains(suiteFlags, fl.Name) {
			err = setFlag(fs, fl, name)
		}
	})
	for _, k := range slices.Sorted(maps.Keys(e.Env)) {
		if err == nil {
			err = fs.Set("env", k+"="+e.Env[k])
		}
	}
	if err != nil {
		return suiteScript{}, err
	}
	if err := fs.Parse(e.Flags); err != nil {
		return suiteScript{}, fmt.Errorf("flags: %w", err)
	}
	for _, sf := range suiteFlags {
		if fs.Changed(sf) {
			return suiteScript{}, fmt.Errorf("flags: --%s applies to the whole suite, not to one script", sf)
		}
	}
	if fs.NArg() > 0 {
		return suiteScript{}, fmt.Errorf("flags: %q is not a flag (the script goes in \"script\")", fs.Arg(0))
	}
	f.applyEnv(fs, a.lookupEnv)
	if !fs.Changed("summary-export") && f.summaryExport != "" { // from K6_SUMMARY_EXPORT: for every script
		f.summaryExport = namedPath(f.summaryExport, name)
	}
	if _, err := f.options(fs); err != nil {
		return suiteScript{}, err
	}
	if f.outs, err = parseOutputs(f.out); err != nil {
		return suiteScript{}, err
	}
	return suiteScript{name: name, path: e.Script, fs: fs, flags: f}, nil
}

// setFlag copies a command-line flag into a script's flag set; the output files get the
// script's name (see namedPath).
func setFlag(fs *pflag.FlagSet, fl *pflag.Flag, name string) error {
	vals := []string{fl.Value.String()}
	if sv, ok := fl.Value.(pflag.SliceValue); ok {
		vals = sv.GetSlice()
	}
	for _, v := range vals {
		switch fl.Name {
		case "summary-export", "report":
			v = namedPath(v, name)
		case "out":
			if typ, dest, ok := strings.Cut(v, "="); ok && dest != "" {
				v = typ + "=" + namedPath(dest, name)
			}
		}
		if err := fs.Set(fl.Name, v); err != nil {
			return fmt.Errorf("--%s: %w", fl.Name, err)
		}
	}
	return nil
}

// namedPath puts a script's name before path's extension: out/sum.json and "smoke" give
// out/sum-smoke.json (res.json.gz: res-smoke.json.gz).
func namedPath(path, name string) string {
	ext := filepath.Ext(path)
	if ext == ".gz" {
		ext = filepath.Ext(strings.TrimSuffix(path, ext)) + ext
	}
	return strings.TrimSuffix(path, ext) + "-" + name + ext
}

// checkSuiteFlags checks the flags that apply to the whole run or suite.
func (f *runFlags) checkSuiteFlags() error {
	if f.junit != "" {
		return checkWritable("--junit ", f.junit)
	}
	return nil
}

// checkDistinctOutputs makes sure no two scripts (nor the suite's JUnit file and report
// index) write the same file.
func checkDistinctOutputs(scripts []suiteScript, cf *runFlags) error {
	owner := map[string]string{}
	claim := func(path, who string) error {
		abs, err := filepath.Abs(path)
		if err != nil {
			return err
		}
		if prev, ok := owner[abs]; ok {
			return fmt.Errorf("%s and %s both write %s", prev, who, path)
		}
		owner[abs] = who
		return nil
	}
	if cf.junit != "" {
		if err := claim(cf.junit, "--junit"); err != nil {
			return err
		}
	}
	if cf.report != "" {
		if err := claim(cf.report, "the suite's report index (--report)"); err != nil {
			return err
		}
	}
	for _, sc := range scripts {
		paths := sc.flags.outputPaths()
		for _, flag := range slices.Sorted(maps.Keys(paths)) {
			if err := claim(paths[flag], fmt.Sprintf("script %s (%s)", sc.name, strings.TrimSpace(flag))); err != nil {
				return err
			}
		}
	}
	return nil
}
