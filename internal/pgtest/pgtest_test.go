package pgtest

import (
	"context"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestNewDatabaseIsEmptyAndOwnsItsName(t *testing.T) {
	u1 := NewDatabase(t)
	u2 := NewDatabase(t)
	assert.NotEqual(t, u1, u2)

	ctx := context.Background()
	conn, err := pgx.Connect(ctx, u1)
	require.NoError(t, err)
	defer conn.Close(ctx)
	var n int
	require.NoError(t, conn.QueryRow(ctx, "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'").Scan(&n))
	assert.Equal(t, 0, n)
	var db string
	require.NoError(t, conn.QueryRow(ctx, "SELECT current_database()").Scan(&db))
	assert.Contains(t, u1, db)
}
