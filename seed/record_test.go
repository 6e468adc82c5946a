package seed

import (
	"context"
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// karyConfig is the plan the user seeded: a 3-ary tree with large balances.
func karyConfig() Config {
	cfg := testConfig()
	cfg.Tree, cfg.Fanout, cfg.MinBalance, cfg.MaxBalance = TreeKary, 3, 1000000, 2000000
	return cfg
}

func TestSeedRecordsItsPlanAndGeneration(t *testing.T) {
	pool := stagingDB(t)
	ctx := context.Background()
	_, found, err := RecordedPlan(ctx, pool)
	require.NoError(t, err)
	assert.False(t, found)
	g0, err := CurrentGeneration(ctx, pool)
	require.NoError(t, err)
	assert.Zero(t, g0.N)

	cfg := karyConfig()
	_, err = Run(ctx, pool, cfg)
	require.NoError(t, err)
	p, found, err := RecordedPlan(ctx, pool)
	require.NoError(t, err)
	require.True(t, found)
	assert.Equal(t, Plan{First: 80000, Count: 20, Tree: TreeKary, Fanout: 3, RandSeed: 1, MinBalance: 1000000,
		MaxBalance: 2000000}, p)
	assert.Equal(t, "--first 80000 --count 20 --tree kary --fanout 3 --min-balance 1000000 --max-balance 2000000 --seed 1", p.String())
	g1, err := CurrentGeneration(ctx, pool)
	require.NoError(t, err)
	assert.EqualValues(t, 1, g1.N)

	_, err = Run(ctx, pool, cfg)
	require.NoError(t, err)
	g2, err := CurrentGeneration(ctx, pool)
	require.NoError(t, err)
	assert.Equal(t, g1, g2, "a seed that writes nothing keeps the generation")

	require.NoError(t, Reset(ctx, pool, cfg))
	g3, err := CurrentGeneration(ctx, pool)
	require.NoError(t, err)
	assert.EqualValues(t, 2, g3.N, "a reset always starts a new generation")
	assert.False(t, g3.At.Before(g1.At))
}

// TestPlainSeedOnAKaryRangeIsRefused is the case: `nnjs seed` with the defaults on a
// range seeded as a kary tree used to add flat-tree paths (two depth-1 ancestors).
func TestPlainSeedOnAKaryRangeIsRefused(t *testing.T) {
	pool := stagingDB(t)
	ctx := context.Background()
	_, err := Run(ctx, pool, karyConfig())
	require.NoError(t, err)
	before := dump(t, pool, 80000, 80019)

	for name, seed := range map[string]func() error{
		"seed":  func() error { _, err := Run(ctx, pool, testConfig()); return err },
		"reset": func() error { return Reset(ctx, pool, testConfig()) },
	} {
		err := seed()
		var pc *PlanConflictError
		require.True(t, errors.As(err, &pc), "%s: %v", name, err)
		assert.Contains(t, err.Error(), "seeded with plan [--first 80000 --count 20 --tree kary --fanout 3 --min-balance 1000000", name)
		assert.Contains(t, err.Error(), "asks for [--first 80000 --count 20 --tree flat --min-balance 5000 --max-balance 10000 --seed 1]", name)
		assert.Contains(t, err.Error(), ReplanFlag, name)
		assert.Equal(t, before, dump(t, pool, 80000, 80019), "%s: nothing changed", name)
	}
}

func TestResetKeepsTheRecordedPlan(t *testing.T) {
	pool := stagingDB(t)
	ctx := context.Background()
	cfg := karyConfig()
	_, err := Run(ctx, pool, cfg)
	require.NoError(t, err)
	addOutsider(t, pool)
	seeded := dump(t, pool, 80000, 80019)
	simulatePayments(t, pool)
	require.NoError(t, Reset(ctx, pool, cfg))
	assert.Equal(t, seeded, dump(t, pool, 80000, 80019))
	assert.Equal(t, 3, count(t, pool, `SELECT count(*) FROM users WHERE sponsor_id = 80000 AND member_id <= 80019`), "still kary")
	assert.Equal(t, 0, count(t, pool, `SELECT count(*) FROM wallets WHERE member_id BETWEEN 80000 AND 80019 AND balance < 1000000`))
}

func TestReplanResetsAndSeedsTheNewPlan(t *testing.T) {
	pool := stagingDB(t)
	ctx := context.Background()
	_, err := Run(ctx, pool, karyConfig())
	require.NoError(t, err)
	addOutsider(t, pool)
	simulatePayments(t, pool)

	flat := testConfig()
	flat.Count, flat.Replan = 10, true
	res, err := Run(ctx, pool, flat)
	require.NoError(t, err)
	assert.Positive(t, res.Removed, "the recorded range's orders and ledger rows are gone")
	assert.Zero(t, count(t, pool, `SELECT count(*) FROM orders WHERE member_id BETWEEN 80000 AND 80019`))
	assert.Zero(t, count(t, pool, `SELECT count(*) FROM usertreepath WHERE descendant_id BETWEEN 80010 AND 80019`),
		"members the new plan drops keep no tree paths")
	assert.Equal(t, 9, count(t, pool, `SELECT count(*) FROM users WHERE member_id BETWEEN 80001 AND 80009 AND sponsor_id = 80000`))
	r := Validate(ctx, pool, flat, flat.Now())
	assert.True(t, r.OK(), "%+v", r)
	p, _, err := RecordedPlan(ctx, pool)
	require.NoError(t, err)
	assert.Equal(t, flat.Plan(), p)
}

func TestUnrecordedRangeWithAnotherTreeIsRefused(t *testing.T) {
	pool := stagingDB(t)
	ctx := context.Background()
	_, err := Run(ctx, pool, karyConfig())
	require.NoError(t, err)
	exec(t, pool, `DELETE FROM nnjs_meta WHERE key LIKE 'seed_%'`) // seeded before plans were recorded

	_, err = Run(ctx, pool, testConfig())
	var pc *PlanConflictError
	require.True(t, errors.As(err, &pc), "%v", err)
	assert.Contains(t, err.Error(), "without a recorded plan")
	assert.Contains(t, err.Error(), "16 members differ, e.g. member 80004 has sponsor 80001, the plan says 80000")

	_, err = Run(ctx, pool, karyConfig())
	require.NoError(t, err, "the same tree is accepted, and its plan recorded")
	_, found, err := RecordedPlan(ctx, pool)
	require.NoError(t, err)
	assert.True(t, found)
}
