// Command target is a tiny loopback HTTP server that the examples, `make demo` and the
// benchmarks load. It answers quickly and predictably so that what is measured is the load
// generator, not the server.
//
//	target --listen 127.0.0.1:8090 [--delay 100ms]
//
// Routes: / (small text), /json (a JSON document), /delay?ms=N, /status/{code},
// /echo (echoes the request body), /cookies/set?name=value, /cookies (lists request cookies).
package main

import (
	"context"
	"errors"
	"log"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/spf13/pflag"
)

func main() {
	listen := pflag.String("listen", "127.0.0.1:8090", "address to listen on (loopback only)")
	delay := pflag.Duration("delay", 0, "delay every response on / and /json by this much")
	pflag.Parse()

	srv := &http.Server{Addr: *listen, Handler: newHandler(*delay), ReadHeaderTimeout: 10 * time.Second}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	go func() {
		<-ctx.Done()
		shutdown, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = srv.Shutdown(shutdown)
	}()
	log.Printf("target: listening on http://%s (delay %s)", *listen, *delay)
	if err := srv.ListenAndServe(); err != nil && !errors.Is(err, http.ErrServerClosed) {
		log.Fatalf("target: %v", err)
	}
}
