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
	applyGCDefaults(os.LookupEnv)
	ctx, cancel := context.WithCancelCause(context.Background())
	// One channel for every signal, registered before anything runs: a second signal can
	// never be lost between the first one and a later registration.
	sigs := make(chan os.Signal, 2)
	signal.Notify(sigs, os.Interrupt, syscall.SIGTERM)
	a := newApp(ctx, os.Stdin, os.Stdout, os.Stderr, os.LookupEnv)
	a.interrupts = newInterrupts(cancel, os.Stderr, os.Exit)
	go a.interrupts.loop(sigs)
	os.Exit(a.main(os.Args[1:]))
}
