// Command paymentapi serves the reference wallet-payment API (package examples/paymentapi)
// on a staging NNProtect database. With --legacy it reproduces the real code's lost PVG
// update and deadlock-prone lock order.
//
//	paymentapi --db postgres://postgres@127.0.0.1:5432/staging --listen 127.0.0.1:8080
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/spf13/pflag"

	"github.com/nnprotect/nnjs/examples/paymentapi"
	"github.com/nnprotect/nnjs/internal/pg"
	"github.com/nnprotect/nnjs/seed"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	os.Exit(run(ctx, os.Args[1:], os.Stderr, os.Getenv))
}

// flags are the command-line options.
type flags struct {
	listen, db, confirm string
	poolSize            int32
	legacy              bool
	shutdown            time.Duration
}

func parseFlags(args []string, stderr io.Writer, getenv func(string) string) (flags, error) {
	var f flags
	fs := pflag.NewFlagSet("paymentapi", pflag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&f.listen, "listen", "127.0.0.1:8080", "address to serve HTTP on")
	fs.StringVar(&f.db, "db", getenv("DATABASE_URL"), "PostgreSQL URL or DSN of the staging database (default $DATABASE_URL)")
	fs.Int32Var(&f.poolSize, "pool-size", 20, "maximum PostgreSQL connections")
	fs.BoolVar(&f.legacy, "legacy", false, "reproduce the real code's lost PVG update and deadlock-prone lock order")
	fs.StringVar(&f.confirm, seed.ConsentFlag[2:], "", "name of the database to accept without the nnjs staging marker")
	fs.DurationVar(&f.shutdown, "shutdown-timeout", 10*time.Second, "how long in-flight requests may finish on SIGINT/SIGTERM")
	if err := fs.Parse(args); err != nil {
		return f, err
	}
	if f.db == "" {
		return f, errors.New("paymentapi: --db or DATABASE_URL is required")
	}
	if f.poolSize < 1 {
		return f, errors.New("paymentapi: --pool-size must be at least 1")
	}
	return f, nil
}

func run(ctx context.Context, args []string, stderr io.Writer, getenv func(string) string) int {
	log := slog.New(slog.NewTextHandler(stderr, nil))
	f, err := parseFlags(args, stderr, getenv)
	if errors.Is(err, pflag.ErrHelp) {
		return 0
	}
	if err != nil {
		fmt.Fprintln(stderr, err)
		return 2
	}
	pool, err := openPool(ctx, f)
	if err != nil {
		log.Error("paymentapi: database", "db", pg.MaskURL(f.db), "err", err)
		return 1
	}
	defer pool.Close()
	if err := seed.Authorize(ctx, pool, f.confirm); err != nil {
		log.Error("paymentapi: refusing to start", "err", err)
		return 1
	}
	srv, err := paymentapi.New(ctx, pool, paymentapi.Config{Legacy: f.legacy, Logger: log})
	if err != nil {
		log.Error("paymentapi: start", "err", err)
		return 1
	}
	hs := &http.Server{Addr: f.listen, Handler: srv.Handler(), ReadHeaderTimeout: 10 * time.Second}
	served := make(chan error, 1)
	go func() { served <- hs.ListenAndServe() }()
	log.Info("paymentapi: serving", "listen", f.listen, "db", pg.MaskURL(f.db), "pool_size", f.poolSize, "legacy", f.legacy)
	select {
	case err := <-served:
		log.Error("paymentapi: serve", "err", err)
		return 1
	case <-ctx.Done():
	}
	sctx, cancel := context.WithTimeout(context.Background(), f.shutdown)
	defer cancel()
	if err := hs.Shutdown(sctx); err != nil {
		log.Error("paymentapi: shutdown", "err", err)
		return 1
	}
	log.Info("paymentapi: stopped")
	return 0
}

// openPool opens and pings a pool of at most f.poolSize connections (application_name
// paymentapi). Errors never carry the password.
func openPool(ctx context.Context, f flags) (*pgxpool.Pool, error) {
	cfg, err := pg.PoolConfig(f.db, "paymentapi")
	if err != nil {
		return nil, err
	}
	cfg.MaxConns = f.poolSize
	return pg.OpenConfig(ctx, cfg)
}
