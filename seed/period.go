package seed

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
)

// AppOffset is how far the NNProtect app's clock is behind UTC: its "now" for period
// look-ups is utcnow() - 6h (get_mexico_now), compared with timestamp-without-time-zone
// columns.
const AppOffset = 6 * time.Hour

// appNow returns t as the app sees it: UTC wall clock minus AppOffset, in time.UTC.
func appNow(t time.Time) time.Time { return t.UTC().Add(-AppOffset) }

// monthBounds returns the calendar month containing t: its first instant and its last
// microsecond (timestamp precision).
func monthBounds(t time.Time) (time.Time, time.Time) {
	start := time.Date(t.Year(), t.Month(), 1, 0, 0, 0, 0, time.UTC)
	return start, start.AddDate(0, 1, 0).Add(-time.Microsecond)
}

type period struct {
	ID      int32
	Name    string
	Created bool
}

const currentPeriodSQL = `SELECT id, name FROM periods
WHERE starts_on <= $1::timestamp AND ends_on >= $1::timestamp AND closed_at IS NULL ORDER BY id LIMIT 1`

// ensurePeriod returns the open period covering now (app time), creating one for now's
// month when there is none. The new period is shrunk so that it overlaps no other period.
func ensurePeriod(ctx context.Context, tx pgx.Tx, now time.Time) (period, error) {
	var p period
	err := tx.QueryRow(ctx, currentPeriodSQL, now).Scan(&p.ID, &p.Name)
	if err == nil {
		return p, nil
	}
	if !errors.Is(err, pgx.ErrNoRows) {
		return p, fmt.Errorf("seed: find current period: %w", err)
	}
	start, end := monthBounds(now)
	const bounds = `SELECT
  greatest($2::timestamp, (SELECT max(ends_on) + interval '1 microsecond' FROM periods WHERE ends_on < $1::timestamp)),
  least($3::timestamp, (SELECT min(starts_on) - interval '1 microsecond' FROM periods WHERE starts_on > $1::timestamp))`
	if err := tx.QueryRow(ctx, bounds, now, start, end).Scan(&start, &end); err != nil {
		return p, fmt.Errorf("seed: period bounds: %w", err)
	}
	p.Name = fmt.Sprintf("nnjs load test %s", start.Format("2006-01-02 15:04:05"))
	const ins = `INSERT INTO periods (name, description, starts_on, ends_on, closed_at)
VALUES ($1, 'created by nnjs seed: covers now in the app''s time (UTC-6)', $2::timestamp, $3::timestamp, NULL)
RETURNING id`
	if err := tx.QueryRow(ctx, ins, p.Name, start, end).Scan(&p.ID); err != nil {
		return p, fmt.Errorf("seed: create period %q: %w", p.Name, err)
	}
	p.Created = true
	return p, nil
}
