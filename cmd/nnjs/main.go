// Command nnjs is a scriptable load engine: k6-compatible JavaScript scenarios, PostgreSQL
// insight and post-run integrity checks. See README.md.
package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	go hardStopOnSecondSignal(ctx)
	os.Exit(newApp(ctx, os.Stdin, os.Stdout, os.Stderr, os.LookupEnv).main(os.Args[1:]))
}

// hardStopOnSecondSignal waits for the first SIGINT/SIGTERM (which stops the run gracefully:
// teardown, summary, reports), then exits at once on a second one.
func hardStopOnSecondSignal(ctx context.Context) {
	<-ctx.Done()
	fmt.Fprintln(os.Stderr, "nnjs: stopping gracefully (running teardown, writing the summary); press Ctrl-C again to exit at once")
	again := make(chan os.Signal, 1)
	signal.Notify(again, os.Interrupt, syscall.SIGTERM)
	<-again
	fmt.Fprintln(os.Stderr, "nnjs: second signal, exiting now")
	os.Exit(exitSignal)
}
