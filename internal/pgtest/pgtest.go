// Package pgtest gives each test its own PostgreSQL database on the server named by
// NNJS_TEST_DATABASE, dropped when the test ends.
//
//	url := pgtest.NewDatabase(t) // postgres://.../nnjs_test_<random>
//
// Without NNJS_TEST_DATABASE the test is skipped locally, but fails when CI is set: CI always
// has the server.
package pgtest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	neturl "net/url"
	"os"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

// EnvVar names the variable holding the admin connection URL of the test server.
const EnvVar = "NNJS_TEST_DATABASE"

// AdminURL returns the test server's URL, skipping (or failing in CI) when it is not set.
func AdminURL(t testing.TB) string {
	t.Helper()
	u := os.Getenv(EnvVar)
	if u == "" {
		if os.Getenv("CI") != "" {
			t.Fatalf("%s is not set; CI must provide a PostgreSQL server", EnvVar)
		}
		t.Skipf("%s is not set", EnvVar)
	}
	return u
}

// NewDatabase creates an empty database for this test and returns its URL. The database is
// dropped (with its connections terminated) when the test ends.
func NewDatabase(t testing.TB) string {
	t.Helper()
	admin := AdminURL(t)
	var b [6]byte
	_, _ = rand.Read(b[:])
	name := "nnjs_test_" + hex.EncodeToString(b[:])

	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, admin)
	if err != nil {
		t.Fatalf("pgtest: connect to %s: %v", EnvVar, err)
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, "CREATE DATABASE "+name); err != nil {
		t.Fatalf("pgtest: create database %s: %v", name, err)
	}
	t.Cleanup(func() { drop(t, admin, name) })

	u, err := neturl.Parse(admin)
	if err != nil {
		t.Fatalf("pgtest: parse %s: %v", EnvVar, err)
	}
	u.Path = "/" + name
	return u.String()
}

func drop(t testing.TB, admin, name string) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, admin)
	if err != nil {
		t.Errorf("pgtest: drop %s: %v", name, err)
		return
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)"); err != nil {
		t.Errorf("pgtest: drop %s: %v", name, err)
	}
}

// FullURL returns url with the user replaced by a new login role that has no connection slot
// (CONNECTION LIMIT 0): connecting is refused with SQLSTATE 53300 (too_many_connections), as
// on a full server. The role is dropped when the test ends.
func FullURL(t testing.TB, url string) string {
	t.Helper()
	var b [4]byte
	_, _ = rand.Read(b[:])
	role := "nnjs_test_role_" + hex.EncodeToString(b[:])
	adminExec(t, "CREATE ROLE "+role+" LOGIN CONNECTION LIMIT 0")
	t.Cleanup(func() { adminExec(t, "DROP ROLE IF EXISTS "+role) })
	u, err := neturl.Parse(url)
	if err != nil {
		t.Fatalf("pgtest: parse %s: %v", url, err)
	}
	u.User = neturl.User(role)
	return u.String()
}

// adminExec runs sql on the test server's admin database.
func adminExec(t testing.TB, sql string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, AdminURL(t))
	if err != nil {
		t.Fatalf("pgtest: connect to %s: %v", EnvVar, err)
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, sql); err != nil {
		t.Fatalf("pgtest: %s: %v", sql, err)
	}
}
