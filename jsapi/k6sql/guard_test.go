package k6sql

import (
	"context"
	"errors"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var errNotStaging = errors.New("not a staging database")

// markerGuard accepts a database with a table named staging_marker, like seed.Guard does with
// nnjs_meta, and counts its calls.
func markerGuard(calls *int) Guard {
	return func(ctx context.Context, conn *pgx.Conn) error {
		*calls++
		var ok bool
		if err := conn.QueryRow(ctx, "SELECT to_regclass('staging_marker') IS NOT NULL").Scan(&ok); err != nil {
			return err
		}
		if !ok {
			return errNotStaging
		}
		return nil
	}
}

func TestGuardRefusesAnUnmarkedDatabaseAtOpen(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	calls := 0
	w.mod.SetGuard(markerGuard(&calls))

	v := w.vu(1)
	msg := v.Throws(t, `sql.open(URL)`)
	assert.Contains(t, msg, "not a staging database")
	assert.Equal(t, 1, calls)

	// read-only handles need no marker, and cannot write
	ro := w.opened(2, `{readOnly: true}`)
	assert.Equal(t, 1, calls, "readOnly skips the guard")
	assert.EqualValues(t, 1, ro.Run(t, `db.queryRow('SELECT 1 AS n').n`).Export())
	_, err := ro.RunErr(`db.exec('CREATE TABLE t (x int)')`)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "read-only")
}

func TestGuardAcceptsAMarkedDatabaseOncePerURL(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	setup := w.opened(1, "")
	setup.Run(t, `db.exec('CREATE TABLE staging_marker (x int)')`)

	calls := 0
	w2 := &world{t: t, mod: New(), reg: w.reg, rec: w.rec, url: w.url}
	t.Cleanup(w2.mod.Close)
	w2.mod.SetGuard(markerGuard(&calls))
	a := w2.opened(1, "")
	w2.opened(2, "")
	assert.Equal(t, 1, calls, "the guard runs once per URL, not per VU")
	assert.EqualValues(t, 1, a.Run(t, `db.exec('INSERT INTO staging_marker VALUES (1)').rowsAffected`).Export())
}
