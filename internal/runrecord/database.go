package runrecord

import (
	"context"
	"errors"
	"slices"

	"github.com/nnprotect/nnjs/internal/pg"
	"github.com/nnprotect/nnjs/seed"
)

// Database is the fingerprint of a database the run used: what for (roles: "integrity",
// "monitor"), its masked URL, and what identifies its state. Error says why the rest could
// not be read (the run goes on; the record says so).
type Database struct {
	Roles          []string   `json:"roles"`
	URL            string     `json:"url"`
	ServerVersion  string     `json:"serverVersion,omitempty"`
	Name           string     `json:"database,omitempty"`
	Staging        bool       `json:"staging"`
	NotStaging     string     `json:"notStaging,omitempty"` // why the staging marker is missing
	SeedPlan       *seed.Plan `json:"seedPlan,omitempty"`
	SeedGeneration int64      `json:"seedGeneration,omitempty"`
	Error          string     `json:"error,omitempty"`
}

// Fingerprint reads the fingerprint of the database db is connected to; url is its
// connection string (masked here). It only reads.
func Fingerprint(ctx context.Context, db seed.Querier, url string, roles ...string) Database {
	d := Database{Roles: slices.Clone(roles), URL: pg.MaskURL(url)}
	err := db.QueryRow(ctx, `SELECT current_setting('server_version'), current_database()`).Scan(&d.ServerVersion, &d.Name)
	if err == nil {
		err = d.readStaging(ctx, db)
	}
	if err != nil {
		d.Error = pg.MaskURL(err.Error())
	}
	return d
}

func (d *Database) readStaging(ctx context.Context, db seed.Querier) error {
	err := seed.Guard(ctx, db)
	var ns *seed.NotStagingError
	switch {
	case errors.As(err, &ns):
		d.NotStaging = ns.Reason
	case err != nil:
		return err
	default:
		d.Staging = true
	}
	plan, found, err := seed.RecordedPlan(ctx, db)
	if err != nil {
		return err
	}
	if found {
		d.SeedPlan = &plan
	}
	gen, err := seed.CurrentGeneration(ctx, db)
	if err != nil {
		return err
	}
	d.SeedGeneration = gen.N
	return nil
}
