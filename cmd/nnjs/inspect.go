package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"time"

	"github.com/spf13/pflag"

	"github.com/nnprotect/nnjs/engine/options"
	"github.com/nnprotect/nnjs/internal/pg"
	"github.com/nnprotect/nnjs/internal/remotemod"
)

const inspectHelp = `Usage: nnjs inspect [flags] SCRIPT

Compile SCRIPT, run its init code once and print its options as JSON, after the same
checks as 'nnjs run' (options, scenarios, thresholds), without running any load. The
"scenarios" field shows the executors the options resolve to; "run" is the run record a run
of the script would carry now (nnjs version, SHA-256 of the script and of each local module
it imports, resolved options; no end time, no database fingerprint).

Flags:
`

func (a *app) inspectCmd(args []string) int {
	fs := pflag.NewFlagSet("inspect", pflag.ContinueOnError)
	fs.SetOutput(a.stderr)
	var sf scriptFlags
	sf.add(fs)
	fs.Usage = func() { fmt.Fprint(a.stdout, inspectHelp, fs.FlagUsages()) }
	if code, done := a.parseArgs(fs, args, 1, "SCRIPT"); done {
		return code
	}
	s, _, err := a.loadWithFlags(fs, &sf, fs.Arg(0))
	if err != nil {
		return a.fail("inspect", err)
	}
	out := s.opts
	out.Scenarios = map[string]json.RawMessage{}
	for _, c := range s.scenarios {
		b, err := json.Marshal(c)
		if err != nil {
			return a.fail("inspect", err)
		}
		out.Scenarios[c.Base().Name] = b
	}
	doc, err := a.withRecord(s, out)
	if err != nil {
		return a.fail("inspect", err)
	}
	if err := writeMaskedJSON(a.stdout, doc); err != nil {
		return a.fail("inspect", err)
	}
	return exitOK
}

// scriptFlags are the flags of the commands that load a script without running it (inspect,
// archive): its environment and its remote modules.
type scriptFlags struct {
	env     []string
	envFile string
	remote  remoteFlags
}

func (sf *scriptFlags) add(fs *pflag.FlagSet) {
	fs.StringArrayVarP(&sf.env, "env", "e", nil, "set KEY=VALUE in __ENV, repeatable")
	fs.StringVar(&sf.envFile, "env-file", "", "read KEY=VALUE lines (dotenv) into __ENV")
	sf.remote.add(fs)
}

// loadWithFlags loads the script at path as a run would (K6_*/NNJS_* variables over its
// options), with the remote-module fetcher it used.
func (a *app) loadWithFlags(fs *pflag.FlagSet, sf *scriptFlags, path string) (*script, *remotemod.Fetcher, error) {
	vars, err := a.scriptEnv(sf.envFile, sf.env)
	var layer options.Options
	if err == nil {
		layer, err = envLayer(a.lookupEnv)
	}
	var src []byte
	if err == nil {
		src, err = a.scriptSource(path)
	}
	var remote *remotemod.Fetcher
	if err == nil {
		remote, err = sf.remote.fetcher(fs, a.lookupEnv)
	}
	if err != nil {
		return nil, nil, exitErr(exitInvalidConfig, err)
	}
	s, err := loadScript(a.ctx, path, src, vars, layer, dbFlagsRun{}, nil, remote)
	return s, remote, err
}

// writeMaskedJSON writes v as indented JSON without HTML escaping ('>' stays '>'), with the
// password of every connection string in it masked (db and integrity URLs, scenario env, ...).
func writeMaskedJSON(w io.Writer, v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	var doc any
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	if err := dec.Decode(&doc); err != nil {
		return err
	}
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	return enc.Encode(pg.MaskTree(doc, nil))
}

// withRecord returns the inspected options with the run record a run would carry under "run".
func (a *app) withRecord(s *script, opts options.Options) (map[string]json.RawMessage, error) {
	b, err := json.Marshal(opts)
	if err != nil {
		return nil, err
	}
	var doc map[string]json.RawMessage
	if err := json.Unmarshal(b, &doc); err != nil {
		return nil, err
	}
	rec, err := a.newRecord(s, time.Now())
	if err == nil {
		doc["run"], err = json.Marshal(rec)
	}
	return doc, err
}
