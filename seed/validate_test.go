package seed

import (
	"context"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestValidate(t *testing.T) {
	ctx := context.Background()
	now := testConfig().Now()
	tests := []struct {
		name   string
		mutate func(t *testing.T, pool *pgxpool.Pool)
		failed []string
	}{
		{"seeded", func(t *testing.T, pool *pgxpool.Pool) {}, nil},
		{"no period", func(t *testing.T, pool *pgxpool.Pool) { exec(t, pool, `DELETE FROM periods`) }, []string{"period"}},
		{"closed period", func(t *testing.T, pool *pgxpool.Pool) {
			exec(t, pool, `UPDATE periods SET closed_at = now()`)
		}, []string{"period"}},
		{"overlapping periods", func(t *testing.T, pool *pgxpool.Pool) {
			exec(t, pool, `INSERT INTO periods (name, starts_on, ends_on) VALUES ('dup', '2025-09-15', '2025-10-15')`)
		}, []string{"period"}},
		{"no products", func(t *testing.T, pool *pgxpool.Pool) { exec(t, pool, `DELETE FROM products`) }, []string{"products"}},
		{"missing wallet", func(t *testing.T, pool *pgxpool.Pool) {
			exec(t, pool, `DELETE FROM wallets WHERE member_id = 80003`)
		}, []string{"reserved-range"}},
		{"missing column", func(t *testing.T, pool *pgxpool.Pool) {
			exec(t, pool, `ALTER TABLE orders DROP COLUMN payment_reference`)
		}, []string{"schema"}},
		{"second sponsor's paths", func(t *testing.T, pool *pgxpool.Pool) {
			exec(t, pool, `INSERT INTO usertreepath (ancestor_id, descendant_id, depth) VALUES (80001, 80005, 1)`)
		}, []string{"tree"}},
		{"no self row", func(t *testing.T, pool *pgxpool.Pool) {
			exec(t, pool, `DELETE FROM usertreepath WHERE descendant_id = 80007 AND depth = 0`)
		}, []string{"reserved-range", "tree"}},
		{"sponsor moved", func(t *testing.T, pool *pgxpool.Pool) {
			exec(t, pool, `UPDATE users SET sponsor_id = 80002 WHERE member_id = 80009`)
		}, []string{"tree"}},
		{"marker removed", func(t *testing.T, pool *pgxpool.Pool) { exec(t, pool, `DROP TABLE nnjs_meta`) }, []string{"marker"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			pool := stagingDB(t)
			_, err := Run(ctx, pool, testConfig())
			require.NoError(t, err)
			tc.mutate(t, pool)

			r := Validate(ctx, pool, testConfig(), now)
			assert.Equal(t, tc.failed, r.Failed())
			assert.Equal(t, tc.failed == nil, r.OK())
			assert.Len(t, r.Checks, 6)
		})
	}
}

func TestValidateUsesTheAppClock(t *testing.T) {
	pool := stagingDB(t)
	ctx := context.Background()
	_, err := Run(ctx, pool, testConfig()) // October in app time
	require.NoError(t, err)
	// 2025-11-01 05:00 UTC is still October 31 in UTC-6; 07:00 UTC is November.
	assert.True(t, Validate(ctx, pool, testConfig(), time.Date(2025, 11, 1, 5, 0, 0, 0, time.UTC)).OK())
	r := Validate(ctx, pool, testConfig(), time.Date(2025, 11, 1, 7, 0, 0, 0, time.UTC))
	assert.Equal(t, []string{"period"}, r.Failed())
}

func TestSeedingANewMonthAddsAnAdjacentPeriod(t *testing.T) {
	pool := stagingDB(t)
	ctx := context.Background()
	cfg := testConfig()
	exec(t, pool, `INSERT INTO periods (name, starts_on, ends_on) VALUES ('early October', '2025-09-20', '2025-10-01 12:00')`)
	res, err := Run(ctx, pool, cfg) // app time 2025-10-01 21:00: not covered
	require.NoError(t, err)
	require.True(t, res.PeriodNew)
	var starts string
	require.NoError(t, pool.QueryRow(ctx, `SELECT starts_on::text FROM periods WHERE id = $1`, res.PeriodID).Scan(&starts))
	assert.Equal(t, "2025-10-01 12:00:00.000001", starts, "no overlap with the earlier period")
	assert.True(t, Validate(ctx, pool, cfg, cfg.Now()).OK())
}

func TestValidateTreeNamesTheMembers(t *testing.T) {
	pool := stagingDB(t)
	ctx := context.Background()
	cfg := testConfig()
	cfg.Tree, cfg.Fanout = TreeKary, 3
	_, err := Run(ctx, pool, cfg)
	require.NoError(t, err)
	r := Validate(ctx, pool, cfg, cfg.Now())
	require.True(t, r.OK(), r)
	// What a flat seed over a kary range used to add: 80000 as a second depth-1 ancestor.
	exec(t, pool, `INSERT INTO usertreepath (ancestor_id, descendant_id, depth) VALUES (80000, 80013, 1)`)
	r = Validate(ctx, pool, cfg, cfg.Now())
	assert.Equal(t, []string{"tree"}, r.Failed())
	tree := r.Checks[4]
	assert.Equal(t, "tree", tree.Name)
	assert.Contains(t, tree.Detail, "1 of 20 members")
	assert.Contains(t, tree.Detail, "member 80013: 2 depth-1 ancestors (80000, 80004), 1 path(s) not implied by sponsor_id")
}

func TestValidateUnmarkedEmptyDatabase(t *testing.T) {
	pool := openDB(t)
	r := Validate(context.Background(), pool, testConfig(), time.Now())
	assert.Equal(t, []string{"marker", "schema"}, r.Failed())
	assert.Equal(t, []string{"products", "reserved-range", "tree", "period"}, r.Skipped(), "skipped is not failed")
	assert.False(t, r.OK())
	marker, schema := r.Checks[0].Detail, r.Checks[1].Detail
	assert.NotContains(t, marker, "refusing to write")
	assert.Contains(t, marker, "is not marked as staging")
	assert.Contains(t, marker, "nnjs seed --init --i-know-this-is-staging=")
	assert.Contains(t, schema, "none of the 11 payment tables exist")
	assert.NotContains(t, schema, "orders.payment_reference", "no list of every column")
	assert.Less(t, len(schema), 300)
}

func TestDescribeMissing(t *testing.T) {
	got := describeMissing([]string{"orders.payment_reference", "orders.period_id", "periods.closed_at",
		"periods.ends_on", "periods.id", "periods.name", "periods.starts_on", "users.a", "users.b", "users.c", "users.d"})
	assert.Equal(t, "1 of 11 payment tables missing: periods; missing columns: orders.payment_reference, "+
		"orders.period_id, users.a, users.b, users.c and 1 more", got)
}
