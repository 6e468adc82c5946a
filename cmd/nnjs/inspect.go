package main

import (
	"encoding/json"
	"fmt"

	"github.com/spf13/pflag"

	"github.com/nnprotect/nnjs/engine/options"
)

const inspectHelp = `Usage: nnjs inspect [flags] SCRIPT

Compile SCRIPT, run its init code once and print its options as JSON, after the same
checks as 'nnjs run' (options, scenarios, thresholds), without running any load. The
"scenarios" field shows the executors the options resolve to.

Flags:
`

func (a *app) inspectCmd(args []string) int {
	fs := pflag.NewFlagSet("inspect", pflag.ContinueOnError)
	fs.SetOutput(a.stderr)
	var env []string
	var envFile string
	fs.StringArrayVarP(&env, "env", "e", nil, "set KEY=VALUE in __ENV, repeatable")
	fs.StringVar(&envFile, "env-file", "", "read KEY=VALUE lines (dotenv) into __ENV")
	fs.Usage = func() { fmt.Fprint(a.stdout, inspectHelp, fs.FlagUsages()) }
	if code, done := a.parseArgs(fs, args, 1, "SCRIPT"); done {
		return code
	}
	vars, err := a.scriptEnv(envFile, env)
	if err != nil {
		return a.fail("inspect", exitErr(exitInvalidConfig, err))
	}
	s, err := loadScript(a.ctx, fs.Arg(0), vars, options.Options{}, dbFlagsRun{}, nil)
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
	b, err := json.MarshalIndent(out, "", "  ")
	if err != nil {
		return a.fail("inspect", err)
	}
	fmt.Fprintln(a.stdout, string(b))
	return exitOK
}
