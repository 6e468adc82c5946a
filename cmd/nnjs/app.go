package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"text/tabwriter"

	"github.com/nnprotect/nnjs/internal/pg"
	"github.com/spf13/pflag"
	"golang.org/x/term"
)

// app is the state every subcommand shares; tests build one with buffers to run the CLI
// in-process.
type app struct {
	ctx            context.Context
	stdin          io.Reader
	stdout, stderr io.Writer
	lookupEnv      func(string) (string, bool)
	// environ lists the process environment (KEY=VALUE), visible to scripts in __ENV.
	environ func() []string
	// stdoutTTY is true when stdout is a terminal (live progress line, colours).
	stdoutTTY bool
	// cmdline is the command line main was given ("nnjs" and its arguments), for the run
	// record.
	cmdline []string
	// interrupts routes SIGINT/SIGTERM to the running phase (nil in in-process tests, which
	// cancel ctx instead).
	interrupts *interrupts
}

// command is one subcommand: run gets the arguments after its name and returns the exit code.
type command struct {
	name    string
	summary string
	run     func(a *app, args []string) int
}

func newApp(ctx context.Context, stdin io.Reader, stdout, stderr io.Writer, lookupEnv func(string) (string, bool)) *app {
	return &app{ctx: ctx, stdin: stdin, stdout: stdout, stderr: stderr, lookupEnv: lookupEnv, environ: os.Environ, stdoutTTY: isTerminal(stdout)}
}

// commands is the explicit registry of subcommands, in the order help lists them.
func commands() []command {
	return []command{
		{"run", "run a load test script (k6-compatible JavaScript or TypeScript)", (*app).runCmd},
		{"inspect", "print a script's resolved options and scenarios as JSON", (*app).inspectCmd},
		{"archive", "pack a script, its modules, open()ed files and options into one tar that runs offline", (*app).archiveCmd},
		{"merge", "combine the result files of several nnjs processes into one summary", (*app).mergeCmd},
		{"report", "render the HTML report of result files (one run, or several processes merged)", (*app).reportCmd},
		{"version", "print the nnjs version", (*app).versionCmd},
		{"help", "show help for nnjs or a command", (*app).helpCmd},
		{"seed", "prepare a staging database: schema, staging marker, reserved members (--reset after a run)", (*app).seedCmd},
		{"validate", "check that a staging database is ready for a load test", (*app).validateCmd},
		{"integrity", "post-run integrity checks of ledger, orders, points and commissions (--baseline before the run)", (*app).integrityCmd},
	}
}

func (a *app) main(args []string) int {
	if len(args) == 0 {
		a.usage(a.stderr)
		return exitInvalidConfig
	}
	a.cmdline = append([]string{"nnjs"}, args...)
	name := args[0]
	switch name {
	case "-h", "--help":
		name = "help"
	case "-v", "--version":
		name = "version"
	}
	for _, c := range commands() {
		if c.name == name {
			return c.run(a, args[1:])
		}
	}
	fmt.Fprintf(a.stderr, "nnjs: unknown command %q (commands: %s)\n", args[0], strings.Join(commandNames(), ", "))
	return exitInvalidConfig
}

func commandNames() []string {
	var out []string
	for _, c := range commands() {
		out = append(out, c.name)
	}
	return out
}

func (a *app) usage(w io.Writer) {
	fmt.Fprint(w, "nnjs: a scriptable load engine with k6-compatible scripts, PostgreSQL insight and integrity checks.\n\nUsage:\n  nnjs <command> [flags] [args]\n\nCommands:\n")
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	for _, c := range commands() {
		fmt.Fprintf(tw, "  %s\t%s\n", c.name, c.summary)
	}
	tw.Flush()
	fmt.Fprint(w, "\nRun 'nnjs help <command>' or 'nnjs <command> --help' for a command's flags.\n")
}

func (a *app) helpCmd(args []string) int {
	if len(args) == 0 {
		a.usage(a.stdout)
		return exitOK
	}
	for _, c := range commands() {
		if c.name == args[0] && c.name != "help" {
			return c.run(a, []string{"--help"})
		}
	}
	fmt.Fprintf(a.stderr, "nnjs help: unknown command %q\n", args[0])
	return exitInvalidConfig
}

// isTerminal reports whether w is a terminal. A character device is not enough: /dev/null
// is one too.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

// anyArgs tells parseArgs that the command checks its positional arguments itself.
const anyArgs = -1

// parseArgs parses flags and expects exactly nargs positional arguments named what (any
// number for anyArgs). done is true when the command must return code now (help shown or bad
// arguments).
func (a *app) parseArgs(fs *pflag.FlagSet, args []string, nargs int, what string) (code int, done bool) {
	err := fs.Parse(args)
	switch {
	case errors.Is(err, pflag.ErrHelp):
		return exitOK, true
	case err != nil:
		fmt.Fprintf(a.stderr, "nnjs %s: %v (see 'nnjs %s --help')\n", fs.Name(), err, fs.Name())
		return exitInvalidConfig, true
	case nargs != anyArgs && fs.NArg() != nargs:
		fmt.Fprintf(a.stderr, "nnjs %s: want %s, got %d arguments (see 'nnjs %s --help')\n", fs.Name(), what, fs.NArg(), fs.Name())
		return exitInvalidConfig, true
	}
	return exitOK, false
}

// fail prints err for command cmd (with a hint for run's common causes), connection strings
// masked, and returns its exit code (see exitErr). A message that already starts with
// "CMD: " (the seed package's errors do) is not prefixed twice.
func (a *app) fail(cmd string, err error) int {
	fmt.Fprintf(a.stderr, "nnjs %s: %s\n", cmd, strings.TrimPrefix(pg.MaskURL(err.Error()), cmd+": "))
	if h := hintFor(err); h != "" && cmd == "run" {
		fmt.Fprintf(a.stderr, "  hint: %s\n", h)
	}
	var ee *exitError
	if errors.As(err, &ee) {
		return ee.code
	}
	return exitScriptException
}
