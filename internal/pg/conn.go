package pg

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

// Application names nnjs's sessions carry (pg_stat_activity.application_name).
const (
	AppName        = "nnjs"         // pools of scripts, integrity checks, seeding
	MonitorAppName = "nnjs-monitor" // the database monitor's own connection
)

// DialTimeout bounds every connection attempt of Open and Connect (the caller's context can
// end it sooner).
const DialTimeout = 15 * time.Second

// PoolConfig parses url (a postgres:// URL or key=value DSN) into a pool configuration with
// application_name app unless url or PGAPPNAME sets one. An invalid string gives a
// *ConnectError that shows only the masked string.
func PoolConfig(url, app string) (*pgxpool.Config, error) {
	cfg, err := pgxpool.ParseConfig(url)
	if err != nil {
		return nil, invalid(url, err)
	}
	setApp(cfg.ConnConfig, app)
	return cfg, nil
}

// ConnConfig parses url into the configuration of one connection, like PoolConfig.
func ConnConfig(url, app string) (*pgx.ConnConfig, error) {
	cc, err := pgx.ParseConfig(url)
	if err != nil {
		return nil, invalid(url, err)
	}
	setApp(cc, app)
	return cc, nil
}

func setApp(cc *pgx.ConnConfig, app string) {
	if _, ok := cc.RuntimeParams["application_name"]; !ok && app != "" {
		cc.RuntimeParams["application_name"] = app
	}
}

// Open opens a pool on url with application_name AppName and pings the server. Failures are
// *ConnectError values.
func Open(ctx context.Context, url string) (*pgxpool.Pool, error) {
	cfg, err := PoolConfig(url, AppName)
	if err != nil {
		return nil, err
	}
	return OpenConfig(ctx, cfg)
}

// OpenConfig opens a pool with cfg and pings the server, within DialTimeout. Failures are
// *ConnectError values naming the masked connection string.
func OpenConfig(ctx context.Context, cfg *pgxpool.Config) (*pgxpool.Pool, error) {
	ctx, cancel := context.WithTimeout(ctx, DialTimeout)
	defer cancel()
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err == nil {
		if err = pool.Ping(ctx); err != nil {
			pool.Close()
		}
	}
	if err != nil {
		return nil, connectFailed(cfg.ConnString(), err, cfg.ConnConfig.Password)
	}
	return pool, nil
}

// Connect opens one connection with cc within DialTimeout. Failures are *ConnectError values.
func Connect(ctx context.Context, cc *pgx.ConnConfig) (*pgx.Conn, error) {
	ctx, cancel := context.WithTimeout(ctx, DialTimeout)
	defer cancel()
	conn, err := pgx.ConnectConfig(ctx, cc)
	if err != nil {
		return nil, connectFailed(cc.ConnString(), err, cc.Password)
	}
	return conn, nil
}
