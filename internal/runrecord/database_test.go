package runrecord

import (
	"context"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/nnprotect/nnjs/internal/pg"
	"github.com/nnprotect/nnjs/internal/pgtest"
	"github.com/nnprotect/nnjs/seed"
)

func TestFingerprintReadsVersionNameStagingAndSeedPlan(t *testing.T) {
	url := pgtest.NewDatabase(t)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	conn, err := pgx.Connect(ctx, url)
	require.NoError(t, err)
	defer conn.Close(ctx)

	d := Fingerprint(ctx, conn, url, "monitor")
	assert.Empty(t, d.Error)
	assert.NotEmpty(t, d.ServerVersion)
	assert.Regexp(t, `^nnjs_test_`, d.Name)
	assert.False(t, d.Staging)
	assert.Contains(t, d.NotStaging, "no nnjs_meta")
	assert.Nil(t, d.SeedPlan)

	pool, err := pg.Open(ctx, url)
	require.NoError(t, err)
	defer pool.Close()
	require.NoError(t, seed.ApplySchema(ctx, pool))
	require.NoError(t, seed.MarkStaging(ctx, pool, "ci"))
	cfg := seed.DefaultConfig()
	cfg.Count = 10
	_, err = seed.Run(ctx, pool, cfg)
	require.NoError(t, err)

	d = Fingerprint(ctx, conn, url, "integrity", "monitor")
	assert.Empty(t, d.Error)
	assert.True(t, d.Staging)
	require.NotNil(t, d.SeedPlan)
	assert.Equal(t, cfg.Plan(), *d.SeedPlan)
	assert.Equal(t, int64(1), d.SeedGeneration)
	assert.Equal(t, []string{"integrity", "monitor"}, d.Roles)
}

func TestFingerprintOfAnUnusableConnectionSaysWhy(t *testing.T) {
	url := pgtest.NewDatabase(t)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	conn, err := pgx.Connect(ctx, url)
	require.NoError(t, err)
	require.NoError(t, conn.Close(ctx))
	d := Fingerprint(ctx, conn, "postgres://u:s3cret@127.0.0.1/x", "integrity")
	assert.NotEmpty(t, d.Error)
	assert.Equal(t, "postgres://u:xxxxx@127.0.0.1/x", d.URL)
}
