package seed

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestRunSeedsTheReservedRange(t *testing.T) {
	pool := stagingDB(t)
	ctx := context.Background()
	cfg := testConfig()

	res, err := Run(ctx, pool, cfg)
	require.NoError(t, err)
	assert.EqualValues(t, 20, res.Members)
	assert.EqualValues(t, 20, res.Wallets)
	assert.EqualValues(t, 20+19, res.TreePaths, "flat: a self row each plus one row per sponsored member")
	assert.EqualValues(t, len(catalogue), res.Products)
	assert.EqualValues(t, len(ladder), res.Ranks)
	assert.True(t, res.PeriodNew)

	assert.Equal(t, 19, count(t, pool, `SELECT count(*) FROM users WHERE sponsor_id = 80000`))
	assert.Equal(t, 0, count(t, pool, `SELECT count(*) FROM users WHERE member_id BETWEEN 80000 AND 80019 AND status <> 'QUALIFIED'`))
	assert.Equal(t, 0, count(t, pool, `SELECT count(*) FROM wallets
WHERE balance < 5000 OR balance > 10000 OR round(balance::numeric, 2) <> balance::numeric OR currency <> 'MXN' OR status <> 'ACTIVE'`))
	assert.Greater(t, count(t, pool, `SELECT count(DISTINCT balance) FROM wallets`), 15, "balances are drawn, not constant")
	var starts, ends string
	require.NoError(t, pool.QueryRow(ctx, `SELECT starts_on::text, ends_on::text FROM periods WHERE id = $1`, res.PeriodID).Scan(&starts, &ends))
	// 2025-10-02 03:00 UTC is 2025-10-01 21:00 in the app's time: October.
	assert.Equal(t, "2025-10-01 00:00:00", starts)
	assert.Equal(t, "2025-10-31 23:59:59.999999", ends)
}

func TestRunKaryTreeWritesTheClosure(t *testing.T) {
	pool := stagingDB(t)
	cfg := testConfig()
	cfg.Count, cfg.Tree, cfg.Fanout = 13, TreeKary, 3 // depths 0, 1 (3), 2 (9)

	_, err := Run(context.Background(), pool, cfg)
	require.NoError(t, err)
	assert.Equal(t, 3, count(t, pool, `SELECT count(*) FROM users WHERE sponsor_id = 80000`))
	assert.Equal(t, 3, count(t, pool, `SELECT count(*) FROM users WHERE sponsor_id = 80001`))
	// 80012 = index 12, parent index 3 (80003), grandparent 80000.
	assert.Equal(t, 3, count(t, pool, `SELECT count(*) FROM usertreepath WHERE descendant_id = 80012`))
	assert.Equal(t, 1, count(t, pool, `SELECT count(*) FROM usertreepath
WHERE descendant_id = 80012 AND ancestor_id = 80000 AND depth = 2 AND sponsor_id = 80003`))
	assert.Equal(t, 13+12+9, count(t, pool, `SELECT count(*) FROM usertreepath`))
}

func TestRunTwiceGivesIdenticalState(t *testing.T) {
	pool := stagingDB(t)
	ctx := context.Background()
	cfg := testConfig()
	_, err := Run(ctx, pool, cfg)
	require.NoError(t, err)
	before := dump(t, pool, cfg.First, cfg.Last())

	res, err := Run(ctx, pool, cfg)
	require.NoError(t, err)
	assert.Equal(t, Result{PeriodID: res.PeriodID, Period: res.Period}, res, "nothing new on the second run")
	assert.Equal(t, before, dump(t, pool, cfg.First, cfg.Last()))
}

func TestBalancesAreReproducible(t *testing.T) {
	a, b := DefaultConfig(), DefaultConfig()
	b.Count = 5
	for _, id := range []int64{80000, 80001, 80004} {
		assert.Equal(t, a.balance(id), b.balance(id), "a member's balance does not depend on Count")
	}
	c := DefaultConfig()
	c.RandSeed = 2
	assert.NotEqual(t, a.members()[0].Balance, c.members()[0].Balance)
}
