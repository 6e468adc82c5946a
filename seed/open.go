package seed

import (
	"context"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5/pgxpool"
)

// ConnectError is returned by Open when the connection string is invalid or the database
// cannot be reached. Addr is the masked connection string; the message never contains the
// password. Unwrap gives the driver's error for errors.As (e.g. *pgconn.PgError).
type ConnectError struct {
	Addr string
	Err  error
	msg  string
}

// Error names the masked address and the scrubbed cause.
func (e *ConnectError) Error() string { return e.msg }

// Unwrap returns the driver's error.
func (e *ConnectError) Unwrap() error { return e.Err }

// Open parses url (a postgres:// URL or key=value DSN), opens a pool and pings the server.
// Failures are *ConnectError values whose text shows only the masked address.
func Open(ctx context.Context, url string) (*pgxpool.Pool, error) {
	addr := MaskURL(url)
	cfg, err := pgxpool.ParseConfig(url)
	if err != nil {
		// The parser's message may echo pieces of the string; keep only the masked form.
		return nil, &ConnectError{Addr: addr, Err: err, msg: fmt.Sprintf("seed: invalid connection string %s", addr)}
	}
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err == nil {
		err = pool.Ping(ctx)
		if err != nil {
			pool.Close()
		}
	}
	if err != nil {
		text := scrub(err.Error(), url, addr, cfg.ConnConfig.Password)
		return nil, &ConnectError{Addr: addr, Err: err, msg: fmt.Sprintf("seed: connect to %s: %s", addr, text)}
	}
	return pool, nil
}

// scrub replaces the raw connection string and the password in text.
func scrub(text, url, addr, password string) string {
	if url != "" {
		text = strings.ReplaceAll(text, url, addr)
	}
	if len(password) >= 3 {
		text = strings.ReplaceAll(text, password, masked)
	}
	return text
}
