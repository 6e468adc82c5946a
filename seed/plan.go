package seed

import (
	"fmt"
	"math"
	"math/rand/v2"
)

// member is one reserved member's seeded state.
type member struct {
	ID      int64
	Index   int
	Sponsor int64 // 0 = none (the root)
	Balance float64
}

// path is one usertreepath closure row.
type path struct {
	Sponsor    int64 // the descendant's direct sponsor, 0 = NULL
	Ancestor   int64
	Descendant int64
	Depth      int
}

// sponsorIndex returns the 0-based index of member i's sponsor, or -1 for the root.
func (c Config) sponsorIndex(i int) int {
	switch {
	case i == 0:
		return -1
	case c.Tree == TreeKary:
		return (i - 1) / c.Fanout
	default:
		return 0
	}
}

// members computes the seeded members; the result depends only on c.
func (c Config) members() []member {
	out := make([]member, c.Count)
	for i := range out {
		m := member{ID: c.First + int64(i), Index: i, Balance: c.balance(c.First + int64(i))}
		if s := c.sponsorIndex(i); s >= 0 {
			m.Sponsor = c.First + int64(s)
		}
		out[i] = m
	}
	return out
}

// balance draws member id's opening balance, in whole cents, from its own random stream
// (RandSeed, id): the same member gets the same balance whatever Count or Tree is.
func (c Config) balance(id int64) float64 {
	lo := int64(math.Ceil(c.MinBalance * 100))
	hi := int64(math.Floor(c.MaxBalance * 100))
	if hi <= lo {
		return float64(lo) / 100
	}
	r := rand.New(rand.NewPCG(uint64(c.RandSeed), uint64(id)))
	return float64(lo+r.Int64N(hi-lo+1)) / 100
}

// paths computes the closure rows: one per (ancestor, descendant) pair including depth 0.
func (c Config) paths() []path {
	var out []path
	for i := 0; i < c.Count; i++ {
		d := c.First + int64(i)
		var sp int64
		if s := c.sponsorIndex(i); s >= 0 {
			sp = c.First + int64(s)
		}
		for a, depth := i, 0; a >= 0; a, depth = c.sponsorIndex(a), depth+1 {
			out = append(out, path{Sponsor: sp, Ancestor: c.First + int64(a), Descendant: d, Depth: depth})
		}
	}
	return out
}

func (m member) lastName() string { return fmt.Sprintf("User%03d", m.Index) }
func (m member) email() string    { return fmt.Sprintf("loadtest%d@example.com", m.ID) }

// nullable returns nil for 0 so that COPY writes NULL.
func nullable(id int64) any {
	if id == 0 {
		return nil
	}
	return int32(id)
}
