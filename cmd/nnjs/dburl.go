package main

import (
	"errors"
	"fmt"

	"github.com/spf13/pflag"

	"github.com/nnprotect/nnjs/internal/dotenv"
)

// errNoDatabaseURL is returned when no connection string was given: nnjs never falls back
// to a default database.
var errNoDatabaseURL = errors.New("no database URL: pass --db URL, --env-file FILE (with DATABASE_URL) or set DATABASE_URL")

// dbFlags are the connection flags every database command shares.
type dbFlags struct {
	url     string
	envFile string
}

func (d *dbFlags) register(fs *pflag.FlagSet) {
	fs.StringVar(&d.url, "db", "", "PostgreSQL URL or key=value DSN of the staging database")
	fs.StringVar(&d.envFile, "env-file", "", "read DATABASE_URL from this dotenv file (e.g. .env.staging)")
}

// resolveDBURL picks the connection string: --db, else DATABASE_URL from --env-file, else
// the DATABASE_URL environment variable. source says which, for the (masked) log line.
func (a *app) resolveDBURL(d dbFlags) (url, source string, err error) {
	switch {
	case d.url != "" && d.envFile != "":
		return "", "", errors.New("give either --db or --env-file, not both")
	case d.url != "":
		return d.url, "--db", nil
	case d.envFile != "":
		vars, err := dotenv.ReadFile(d.envFile)
		if err != nil {
			return "", "", err
		}
		if u := vars["DATABASE_URL"]; u != "" {
			return u, d.envFile, nil
		}
		return "", "", fmt.Errorf("%s: no DATABASE_URL", d.envFile)
	}
	if u, ok := a.lookupEnv("DATABASE_URL"); ok && u != "" {
		return u, "DATABASE_URL", nil
	}
	return "", "", errNoDatabaseURL
}
