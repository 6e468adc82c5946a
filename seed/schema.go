package seed

import (
	"context"
	_ "embed"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
)

// Schema is the idempotent DDL of the NNProtect payment tables plus the nnjs_meta marker
// table, with the real names, types, constraints and indexes.
//
//go:embed schema.sql
var Schema string

// Execer is the smallest interface ApplySchema and MarkStaging need; *pgxpool.Pool,
// *pgx.Conn and pgx.Tx satisfy it.
type Execer interface {
	Exec(ctx context.Context, sql string, arguments ...any) (pgconn.CommandTag, error)
}

// Querier is the smallest interface Guard and Validate need; *pgxpool.Pool, *pgx.Conn and
// pgx.Tx satisfy it.
type Querier interface {
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
}

// ErrNoOperator is returned by MarkStaging when no operator name is given: the marker
// records who consented.
var ErrNoOperator = errors.New("seed: the staging marker needs an operator name")

const metaDDL = `CREATE TABLE IF NOT EXISTS nnjs_meta (
    key     varchar(64)  PRIMARY KEY,
    value   varchar      NOT NULL,
    set_by  varchar      NOT NULL,
    set_at  timestamptz  NOT NULL DEFAULT now()
)`

// ApplySchema creates the NNProtect payment tables, their indexes and the nnjs_meta table
// where they are missing. It is idempotent and never alters an existing table.
func ApplySchema(ctx context.Context, db Execer) error {
	if _, err := db.Exec(ctx, Schema); err != nil {
		return fmt.Errorf("seed: apply schema: %w", err)
	}
	return nil
}

// MarkStaging records in nnjs_meta that the connected database is a staging target
// (environment = staging, database = its current name), set by operator. It creates the
// nnjs_meta table if needed and overwrites an earlier marker.
func MarkStaging(ctx context.Context, db Execer, operator string) error {
	if operator == "" {
		return ErrNoOperator
	}
	if _, err := db.Exec(ctx, metaDDL); err != nil {
		return fmt.Errorf("seed: create nnjs_meta: %w", err)
	}
	const q = `INSERT INTO nnjs_meta (key, value, set_by, set_at)
VALUES ('environment', 'staging', $1, now()), ('database', current_database(), $1, now())
ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value, set_by = EXCLUDED.set_by, set_at = EXCLUDED.set_at`
	if _, err := db.Exec(ctx, q, operator); err != nil {
		return fmt.Errorf("seed: write staging marker: %w", err)
	}
	return nil
}
