// Command nnjs is a scriptable load engine: k6-compatible JavaScript scenarios, PostgreSQL
// insight and post-run integrity checks. See README.md.
package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	applyGCDefaults(os.LookupEnv)
	ctx, cancel := context.WithCancelCause(context.Background())
	// One channel for every signal, registered before the run starts: a second signal can
	// never be lost between the first one and a later registration.
	sigs := make(chan os.Signal, 2)
	signal.Notify(sigs, os.Interrupt, syscall.SIGTERM)
	go stopOnSignals(sigs, cancel, os.Stderr, os.Exit)
	os.Exit(newApp(ctx, os.Stdin, os.Stdout, os.Stderr, os.LookupEnv).main(os.Args[1:]))
}

// stopOnSignals cancels the run on the first SIGINT/SIGTERM (a graceful stop: running
// iterations get their gracefulStop, then teardown, summary and reports), then calls exit on a
// second one.
func stopOnSignals(sigs <-chan os.Signal, cancel context.CancelCauseFunc, w io.Writer, exit func(int)) {
	sig := <-sigs
	cancel(fmt.Errorf("%v signal received", sig))
	fmt.Fprintln(w, "nnjs: stopping gracefully (running teardown, writing the summary); press Ctrl-C again to exit at once")
	<-sigs
	fmt.Fprintln(w, "nnjs: second signal, exiting now")
	exit(exitSignal)
}
