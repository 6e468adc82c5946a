package main

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/spf13/pflag"
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
		vars, err := readEnvFile(d.envFile)
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

func readEnvFile(path string) (map[string]string, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("env file: %w", err)
	}
	defer f.Close()
	vars, err := parseEnvFile(f)
	if err != nil {
		return nil, fmt.Errorf("env file %s: %w", path, err)
	}
	return vars, nil
}

// parseEnvFile reads dotenv lines: KEY=VALUE, optional "export ", blank lines and # comments,
// values optionally in single quotes (literal) or double quotes (\" \\ \n escapes); an
// unquoted value ends at " #". Errors name the line, never its value (it may hold a secret).
func parseEnvFile(r io.Reader) (map[string]string, error) {
	vars := map[string]string{}
	sc := bufio.NewScanner(r)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		line = strings.TrimPrefix(line, "export ")
		key, val, ok := strings.Cut(line, "=")
		key = strings.TrimSpace(key)
		if !ok || key == "" || strings.ContainsAny(key, " \t\"'") {
			return nil, fmt.Errorf("line %d: want KEY=VALUE", n)
		}
		v, err := envValue(strings.TrimSpace(val))
		if err != nil {
			return nil, fmt.Errorf("line %d: %w", n, err)
		}
		vars[key] = v
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("read: %w", err)
	}
	return vars, nil
}

func envValue(v string) (string, error) {
	switch {
	case strings.HasPrefix(v, "'"):
		end := strings.Index(v[1:], "'")
		if end < 0 {
			return "", errors.New("unterminated single quote")
		}
		return v[1 : end+1], nil
	case strings.HasPrefix(v, `"`):
		var b strings.Builder
		for i := 1; i < len(v); i++ {
			switch c := v[i]; {
			case c == '"':
				return b.String(), nil
			case c == '\\' && i+1 < len(v):
				i++
				if v[i] == 'n' {
					b.WriteByte('\n')
				} else {
					b.WriteByte(v[i])
				}
			default:
				b.WriteByte(c)
			}
		}
		return "", errors.New("unterminated double quote")
	}
	if i := strings.Index(v, " #"); i >= 0 {
		v = strings.TrimSpace(v[:i])
	}
	return v, nil
}
