package seed

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/require"

	"github.com/nnprotect/nnjs/internal/pg"
	"github.com/nnprotect/nnjs/internal/pgtest"
)

// openDB opens a pool on a fresh test database, closed at the end of the test.
func openDB(t *testing.T) *pgxpool.Pool {
	t.Helper()
	ctx := context.Background()
	pool, err := pg.Open(ctx, pgtest.NewDatabase(t))
	require.NoError(t, err)
	t.Cleanup(pool.Close)
	return pool
}

// stagingDB returns a pool on a fresh database with the schema and the staging marker.
func stagingDB(t *testing.T) *pgxpool.Pool {
	t.Helper()
	pool := openDB(t)
	ctx := context.Background()
	require.NoError(t, ApplySchema(ctx, pool))
	require.NoError(t, MarkStaging(ctx, pool, "test"))
	return pool
}

// testConfig is a small range so that tests stay fast; the clock is fixed.
func testConfig() Config {
	cfg := DefaultConfig()
	cfg.Count = 20
	cfg.Now = func() time.Time { return time.Date(2025, 10, 2, 3, 0, 0, 0, time.UTC) }
	return cfg
}

// dumpTables lists every table a payment or the seeder touches.
var dumpTables = []string{"users", "usertreepath", "wallets", "wallettransactions", "walletwithdrawals",
	"orders", "orderitems", "commissions", "userrankhistory", "unilevelreports", "periods", "products", "ranks"}

// memberFilter selects a table's rows that mention a member in [lo, hi] in any member column.
var memberFilter = map[string]string{
	"users":              "member_id BETWEEN %[1]d AND %[2]d OR sponsor_id BETWEEN %[1]d AND %[2]d",
	"usertreepath":       "ancestor_id BETWEEN %[1]d AND %[2]d OR descendant_id BETWEEN %[1]d AND %[2]d",
	"wallets":            "member_id BETWEEN %[1]d AND %[2]d",
	"wallettransactions": "member_id BETWEEN %[1]d AND %[2]d",
	"walletwithdrawals":  "member_id BETWEEN %[1]d AND %[2]d",
	"orders":             "member_id BETWEEN %[1]d AND %[2]d",
	"orderitems":         "order_id IN (SELECT id FROM orders WHERE member_id BETWEEN %[1]d AND %[2]d)",
	"commissions":        "member_id BETWEEN %[1]d AND %[2]d OR source_member_id BETWEEN %[1]d AND %[2]d",
	"userrankhistory":    "member_id BETWEEN %[1]d AND %[2]d",
	"unilevelreports":    "user_id IN (SELECT id FROM users WHERE member_id BETWEEN %[1]d AND %[2]d)",
	"periods":            "true",
	"products":           "true",
	"ranks":              "true",
}

// dump returns every row (as JSON, ordered) that mentions a member in [lo, hi], per table.
func dump(t *testing.T, pool *pgxpool.Pool, lo, hi int64) string {
	t.Helper()
	var b strings.Builder
	for _, table := range dumpTables {
		q := fmt.Sprintf(`SELECT coalesce(string_agg(row_to_json(t)::text, E'\n' ORDER BY row_to_json(t)::text), '')
FROM %s t WHERE `, table)
		if f := memberFilter[table]; strings.Contains(f, "%") {
			q += fmt.Sprintf(f, lo, hi)
		} else {
			q += f
		}
		var rows string
		require.NoError(t, pool.QueryRow(context.Background(), q).Scan(&rows))
		fmt.Fprintf(&b, "-- %s\n%s\n", table, rows)
	}
	return b.String()
}

func count(t *testing.T, pool *pgxpool.Pool, q string, args ...any) int {
	t.Helper()
	var n int
	require.NoError(t, pool.QueryRow(context.Background(), q, args...).Scan(&n))
	return n
}
