package seed

import (
	"context"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The interfaces are the ones pgx's pool, connection and transaction satisfy.
var (
	_ Execer  = (*pgxpool.Pool)(nil)
	_ Execer  = (*pgx.Conn)(nil)
	_ Execer  = pgx.Tx(nil)
	_ Querier = (*pgxpool.Pool)(nil)
	_ Querier = (*pgx.Conn)(nil)
	_ Querier = pgx.Tx(nil)
)

func dbName(t *testing.T, pool *pgxpool.Pool) string {
	var name string
	require.NoError(t, pool.QueryRow(context.Background(), `SELECT current_database()`).Scan(&name))
	return name
}

func TestGuard(t *testing.T) {
	ctx := context.Background()
	tests := []struct {
		name    string
		prepare func(t *testing.T, pool *pgxpool.Pool)
		ok      bool
	}{
		{"no marker table", func(t *testing.T, pool *pgxpool.Pool) {}, false},
		{"schema without marker", func(t *testing.T, pool *pgxpool.Pool) {
			require.NoError(t, ApplySchema(ctx, pool))
		}, false},
		{"marked", func(t *testing.T, pool *pgxpool.Pool) {
			require.NoError(t, MarkStaging(ctx, pool, "alice"))
		}, true},
		{"marker says production", func(t *testing.T, pool *pgxpool.Pool) {
			require.NoError(t, MarkStaging(ctx, pool, "alice"))
			_, err := pool.Exec(ctx, `UPDATE nnjs_meta SET value = 'production' WHERE key = 'environment'`)
			require.NoError(t, err)
		}, false},
		{"marker copied from another database", func(t *testing.T, pool *pgxpool.Pool) {
			require.NoError(t, MarkStaging(ctx, pool, "alice"))
			_, err := pool.Exec(ctx, `UPDATE nnjs_meta SET value = 'nnprotect_staging' WHERE key = 'database'`)
			require.NoError(t, err)
		}, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			pool := openDB(t)
			tc.prepare(t, pool)
			err := Guard(ctx, pool)
			if tc.ok {
				assert.NoError(t, err)
				return
			}
			var ns *NotStagingError
			require.ErrorAs(t, err, &ns)
			assert.Equal(t, dbName(t, pool), ns.Database)
			assert.Contains(t, err.Error(), ConsentFlag+"="+ns.Database, "the refusal says how to proceed")
		})
	}
}

func TestMarkStagingNeedsAnOperator(t *testing.T) {
	pool := openDB(t)
	err := MarkStaging(context.Background(), pool, "")
	assert.ErrorIs(t, err, ErrNoOperator)
	assert.Equal(t, 0, count(t, pool, `SELECT count(*) FROM pg_tables WHERE tablename = 'nnjs_meta'`))
}

func TestAuthorizeByName(t *testing.T) {
	pool := openDB(t)
	ctx := context.Background()
	assert.NoError(t, Authorize(ctx, pool, dbName(t, pool)))
	err := Authorize(ctx, pool, "nnprotect_prod")
	assert.True(t, IsNotStaging(err), "got %v", err)
	assert.True(t, IsNotStaging(Authorize(ctx, pool, "")), "no name: the marker is required")
}

func TestRunRefusesAnUnmarkedDatabaseAndWritesNothing(t *testing.T) {
	pool := openDB(t)
	ctx := context.Background()
	require.NoError(t, ApplySchema(ctx, pool))

	_, err := Run(ctx, pool, testConfig())
	assert.True(t, IsNotStaging(err), "got %v", err)
	err = Reset(ctx, pool, testConfig())
	assert.True(t, IsNotStaging(err), "got %v", err)
	for _, table := range dumpTables {
		assert.Zero(t, count(t, pool, "SELECT count(*) FROM "+table), table)
	}

	cfg := testConfig()
	cfg.ConfirmDatabase = "some_other_db"
	_, err = Run(ctx, pool, cfg)
	assert.True(t, IsNotStaging(err), "got %v", err)
	assert.Zero(t, count(t, pool, "SELECT count(*) FROM users"))

	cfg.ConfirmDatabase = dbName(t, pool)
	_, err = Run(ctx, pool, cfg)
	require.NoError(t, err, "naming the database is explicit consent")
	assert.Equal(t, 20, count(t, pool, "SELECT count(*) FROM users"))
}

func TestApplySchemaIsIdempotent(t *testing.T) {
	pool := openDB(t)
	ctx := context.Background()
	require.NoError(t, ApplySchema(ctx, pool))
	tables := count(t, pool, `SELECT count(*) FROM pg_tables WHERE schemaname = 'public'`)
	indexes := count(t, pool, `SELECT count(*) FROM pg_indexes WHERE schemaname = 'public'`)
	require.NoError(t, ApplySchema(ctx, pool))
	assert.Equal(t, 16, tables, "15 NNProtect tables plus nnjs_meta")
	assert.Equal(t, tables, count(t, pool, `SELECT count(*) FROM pg_tables WHERE schemaname = 'public'`))
	assert.Equal(t, indexes, count(t, pool, `SELECT count(*) FROM pg_indexes WHERE schemaname = 'public'`))
	// The real constraint and index names are kept.
	for _, name := range []string{"balance_non_negative", "uq_users_member_id"} {
		assert.Equal(t, 1, count(t, pool, `SELECT count(*) FROM pg_constraint WHERE conname = $1`, name), name)
	}
	for _, name := range []string{"ix_orders_payment_reference", "ix_products_SKU", "idx_wt_member_created"} {
		assert.Equal(t, 1, count(t, pool, `SELECT count(*) FROM pg_indexes WHERE indexname = $1`, name), name)
	}
}
