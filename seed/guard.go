package seed

import (
	"context"
	"errors"
	"fmt"
)

// ConsentFlag is the command-line flag with which an operator names the database they
// know to be staging; refusals tell the operator to use it.
const ConsentFlag = "--i-know-this-is-staging"

// NotStagingError is returned when a writer would touch a database that is not explicitly a
// staging target. Database is the connected database's name (never a URL); Reason says
// what is missing. Its message tells the operator how to proceed.
type NotStagingError struct {
	Database string
	Reason   string
}

// Error explains the refusal and how to proceed.
func (e *NotStagingError) Error() string {
	return fmt.Sprintf("seed: refusing to write to database %q: %s. nnjs writes only to staging "+
		"databases. If %q really is a disposable staging database, mark it once with "+
		"`nnjs seed --init %s=%s --operator <your name>` (or pass %s=%s to this command); "+
		"otherwise point --db, --env-file or DATABASE_URL at the staging database",
		e.Database, e.Reason, e.Database, ConsentFlag, e.Database, ConsentFlag, e.Database)
}

// Guard returns nil when the database carries the staging marker that MarkStaging wrote for
// this very database, and a *NotStagingError otherwise. It only reads.
func Guard(ctx context.Context, db Querier) error {
	var name string
	var hasMeta bool
	err := db.QueryRow(ctx, `SELECT current_database(), to_regclass('nnjs_meta') IS NOT NULL`).Scan(&name, &hasMeta)
	if err != nil {
		return fmt.Errorf("seed: guard: %w", err)
	}
	if !hasMeta {
		return &NotStagingError{Database: name, Reason: "it has no nnjs_meta staging marker"}
	}
	var env, markedDB *string
	err = db.QueryRow(ctx, `SELECT (SELECT value FROM nnjs_meta WHERE key = 'environment'),
       (SELECT value FROM nnjs_meta WHERE key = 'database')`).Scan(&env, &markedDB)
	if err != nil {
		return fmt.Errorf("seed: guard: read marker: %w", err)
	}
	switch {
	case env == nil || *env != "staging":
		return &NotStagingError{Database: name, Reason: "its nnjs_meta marker does not say environment = staging"}
	case markedDB == nil || *markedDB != name:
		return &NotStagingError{Database: name, Reason: fmt.Sprintf(
			"its staging marker was written for database %q (a copy or a rename?)", deref(markedDB))}
	}
	return nil
}

// Authorize decides whether a writer may proceed. With confirm empty the database must pass
// Guard; otherwise confirm is the operator's explicit consent and must equal the connected
// database's name.
func Authorize(ctx context.Context, db Querier, confirm string) error {
	if confirm == "" {
		return Guard(ctx, db)
	}
	var name string
	if err := db.QueryRow(ctx, `SELECT current_database()`).Scan(&name); err != nil {
		return fmt.Errorf("seed: authorize: %w", err)
	}
	if name != confirm {
		return &NotStagingError{Database: name, Reason: fmt.Sprintf(
			"%s names %q but the connection is to %q", ConsentFlag, confirm, name)}
	}
	return nil
}

// IsNotStaging reports whether err is (or wraps) a *NotStagingError.
func IsNotStaging(err error) bool {
	var ns *NotStagingError
	return errors.As(err, &ns)
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}
