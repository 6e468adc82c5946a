package seed

import (
	"errors"
	"fmt"
	"math"
	"time"
)

// Tree is the shape of the reserved members' sponsor tree.
type Tree string

const (
	// TreeFlat sponsors every member by the first one, as NN-6 does: one shared ancestor,
	// depth 1.
	TreeFlat Tree = "flat"
	// TreeKary gives member i (0-based) the sponsor (i-1)/Fanout: a deeper tree in which
	// PVG cascades run through several ancestors, so lock contention and deadlocks can occur.
	TreeKary Tree = "kary"
)

// ErrInvalidConfig is wrapped by Config.Validate errors.
var ErrInvalidConfig = errors.New("invalid seed config")

// Config describes the reserved range and how to seed it. The zero value is not valid;
// start from DefaultConfig.
type Config struct {
	First      int64   // first reserved member_id (80000)
	Count      int     // number of reserved members (200)
	Tree       Tree    // TreeFlat or TreeKary
	Fanout     int     // children per member for TreeKary (ignored for TreeFlat)
	RandSeed   int64   // seed of the wallet balances; same seed, same balances
	MinBalance float64 // lowest opening balance in MXN (5000)
	MaxBalance float64 // highest opening balance in MXN (10000)
	// ConfirmDatabase, when set, is the operator's explicit consent naming the target
	// database; it replaces the nnjs_meta marker check (see Authorize).
	ConfirmDatabase string
	// Replan allows replacing the plan recorded for an overlapping range (see Plan): the
	// recorded range is reset first, then this plan is seeded. Without it such a seed fails
	// with a *PlanConflictError.
	Replan bool
	// Now returns the current time; nil means time.Now. The period covers Now()-6h.
	Now func() time.Time
}

// DefaultConfig returns NN-6's setup: members 80000-80199, all sponsored by 80000, MXN
// wallets with 5,000-10,000.
func DefaultConfig() Config {
	return Config{First: 80000, Count: 200, Tree: TreeFlat, Fanout: 3, RandSeed: 1, MinBalance: 5000, MaxBalance: 10000}
}

// Last returns the last reserved member_id.
func (c Config) Last() int64 { return c.First + int64(c.Count) - 1 }

// Validate reports the first problem with c, wrapping ErrInvalidConfig.
func (c Config) Validate() error {
	switch {
	case c.First < 1:
		return fmt.Errorf("seed: first member_id %d must be positive: %w", c.First, ErrInvalidConfig)
	case c.Count < 1:
		return fmt.Errorf("seed: count %d must be at least 1: %w", c.Count, ErrInvalidConfig)
	case c.Last() > math.MaxInt32:
		return fmt.Errorf("seed: member_id range %d-%d exceeds the integer column: %w", c.First, c.Last(), ErrInvalidConfig)
	case c.Tree != TreeFlat && c.Tree != TreeKary:
		return fmt.Errorf("seed: tree %q (want %q or %q): %w", c.Tree, TreeFlat, TreeKary, ErrInvalidConfig)
	case c.Tree == TreeKary && c.Fanout < 1:
		return fmt.Errorf("seed: fanout %d must be at least 1 for a k-ary tree: %w", c.Fanout, ErrInvalidConfig)
	case c.MinBalance < 0 || c.MaxBalance < c.MinBalance || math.IsNaN(c.MinBalance) || math.IsInf(c.MaxBalance, 0):
		return fmt.Errorf("seed: balances %.2f..%.2f must satisfy 0 <= min <= max: %w", c.MinBalance, c.MaxBalance, ErrInvalidConfig)
	}
	return nil
}

// ParseTree parses "flat" or "kary" (also "k-ary").
func ParseTree(s string) (Tree, error) {
	switch s {
	case "flat":
		return TreeFlat, nil
	case "kary", "k-ary":
		return TreeKary, nil
	}
	return "", fmt.Errorf("seed: tree %q (want flat or kary): %w", s, ErrInvalidConfig)
}

func (c Config) now() time.Time {
	if c.Now != nil {
		return c.Now()
	}
	return time.Now()
}
