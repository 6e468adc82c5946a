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
		}, []string{"schema", "products", "reserved-range", "period"}},
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
			assert.Len(t, r.Checks, 5)
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
