// Command nnjs is a scriptable load engine: k6-compatible JavaScript scenarios, PostgreSQL
// insight and post-run integrity checks. See README.md.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	os.Exit(newApp(ctx, os.Stdin, os.Stdout, os.Stderr, os.LookupEnv).main(os.Args[1:]))
}
