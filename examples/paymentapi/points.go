package paymentapi

import (
	"context"
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/jackc/pgx/v5"
)

// addPoints adds pv to the buyer's pv_cache and pvg_cache and to every ancestor's
// pvg_cache. It first locks every users row it will touch in ascending member_id (one
// statement, FOR NO KEY UPDATE so FK key-share checks are not blocked), so two payments
// always take shared rows in the same order and cannot deadlock; then it updates relative
// to the current value, so no increment is lost.
func addPoints(ctx context.Context, tx pgx.Tx, buyer, pv int, now time.Time) error {
	_, err := tx.Exec(ctx, `SELECT member_id FROM users
		WHERE member_id = $1 OR member_id IN (SELECT ancestor_id FROM usertreepath WHERE descendant_id = $1)
		ORDER BY member_id FOR NO KEY UPDATE`, buyer)
	if err != nil {
		return fmt.Errorf("lock members: %w", err)
	}
	if _, err := tx.Exec(ctx, `UPDATE users SET pv_cache = pv_cache + $2, pvg_cache = pvg_cache + $2,
		updated_at = $3 WHERE member_id = $1`, buyer, pv, now); err != nil {
		return fmt.Errorf("add buyer pv: %w", err)
	}
	_, err = tx.Exec(ctx, `UPDATE users SET pvg_cache = pvg_cache + $2, updated_at = $3
		WHERE member_id <> $1 AND member_id IN (SELECT ancestor_id FROM usertreepath WHERE descendant_id = $1 AND depth > 0)`,
		buyer, pv, now)
	if err != nil {
		return fmt.Errorf("add ancestors pvg: %w", err)
	}
	return nil
}

// legacyAddPoints reproduces the real PVUpdateService: it reads the buyer without a lock
// and writes absolute values (buyer row locked first), then reads the ancestors with an
// unordered query and, one by one, reads each without a lock and writes old+pv. Two
// payments that share an ancestor lose one increment (the second write overwrites the
// first), and two payments that meet the same rows in different orders deadlock. The real
// order is whatever the plan returns; a random permutation stands for "unspecified".
func legacyAddPoints(ctx context.Context, tx pgx.Tx, buyer, pv int, now time.Time) error {
	var oldPV, oldPVG int
	if err := tx.QueryRow(ctx, `SELECT pv_cache, pvg_cache FROM users WHERE member_id = $1`, buyer).
		Scan(&oldPV, &oldPVG); err != nil {
		return fmt.Errorf("legacy read buyer: %w", err)
	}
	if _, err := tx.Exec(ctx, `UPDATE users SET pv_cache = $2, pvg_cache = $3, updated_at = $4 WHERE member_id = $1`,
		buyer, oldPV+pv, oldPVG+pv, now); err != nil {
		return fmt.Errorf("legacy write buyer: %w", err)
	}
	rows, err := tx.Query(ctx, `SELECT ancestor_id FROM usertreepath WHERE descendant_id = $1 AND depth > 0`, buyer)
	if err != nil {
		return fmt.Errorf("legacy read ancestors: %w", err)
	}
	ancestors, err := pgx.CollectRows(rows, pgx.RowTo[int])
	if err != nil {
		return fmt.Errorf("legacy read ancestors: %w", err)
	}
	rand.Shuffle(len(ancestors), func(i, j int) { ancestors[i], ancestors[j] = ancestors[j], ancestors[i] })
	for _, a := range ancestors {
		var old int
		if err := tx.QueryRow(ctx, `SELECT pvg_cache FROM users WHERE member_id = $1`, a).Scan(&old); err != nil {
			return fmt.Errorf("legacy read ancestor %d: %w", a, err)
		}
		if _, err := tx.Exec(ctx, `UPDATE users SET pvg_cache = $2, updated_at = $3 WHERE member_id = $1`,
			a, old+pv, now); err != nil {
			return fmt.Errorf("legacy write ancestor %d: %w", a, err)
		}
	}
	return nil
}
