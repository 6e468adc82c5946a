package pg

import (
	"context"
	"errors"
	"io"
	"net"
	"os"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5/pgconn"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/nnprotect/nnjs/internal/pgtest"
)

func TestConnectErrorsMaskThePassword(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	const url = "postgres://nnjs:s3cr3t-pw@127.0.0.1:1/staging?sslmode=disable&connect_timeout=2"
	_, err := Open(ctx, url)
	var ce *ConnectError
	require.ErrorAs(t, err, &ce)
	t.Log(err)
	assert.Equal(t, "database at postgres://nnjs:xxxxx@127.0.0.1:1/staging?sslmode=disable&connect_timeout=2 unreachable: ",
		err.Error()[:len(ce.Addr)+len("database at  unreachable: ")])
	assert.NotContains(t, err.Error(), "s3cr3t-pw")
	assert.Equal(t, MaskURL(url), ce.Addr)
	assert.Equal(t, CodeUnableToConnect, ce.SQLState())
	assert.Equal(t, CodeUnableToConnect, SQLState(err))

	for _, bad := range []string{"postgres://nnjs:s3cr3t-pw@127.0.0.1:notaport/x", "host=h password='s3cr3t-pw"} {
		_, err = Open(ctx, bad)
		require.ErrorAs(t, err, &ce, bad)
		assert.Contains(t, err.Error(), "invalid connection string")
		assert.NotContains(t, err.Error(), "s3cr3t-pw")
		_, err = ConnConfig(bad, AppName)
		require.ErrorAs(t, err, &ce, bad)
		assert.NotContains(t, err.Error(), "s3cr3t-pw")
	}
}

// TestUnreachableDialErrorOnce: with sslmode=prefer (the default) pgx tries TLS, then plain,
// and reports both identical dial errors; the message says it once.
func TestUnreachableDialErrorOnce(t *testing.T) {
	t.Parallel()
	_, err := Open(context.Background(), "postgres://nnjs:pw1234@127.0.0.1:1/staging?connect_timeout=2")
	require.Error(t, err)
	assert.Equal(t, 1, strings.Count(err.Error(), "dial error"), err.Error())
}

func TestApplicationName(t *testing.T) {
	t.Parallel()
	url := pgtest.NewDatabase(t)
	ctx := context.Background()
	pool, err := Open(ctx, url)
	require.NoError(t, err)
	defer pool.Close()
	var name string
	require.NoError(t, pool.QueryRow(ctx, "SELECT current_setting('application_name')").Scan(&name))
	assert.Equal(t, AppName, name)

	cc, err := ConnConfig(url+"&application_name=mine", MonitorAppName)
	require.NoError(t, err)
	assert.Equal(t, "mine", cc.RuntimeParams["application_name"], "the connection string wins")
	cc, err = ConnConfig(url, MonitorAppName)
	require.NoError(t, err)
	conn, err := Connect(ctx, cc)
	require.NoError(t, err)
	defer conn.Close(ctx)
	require.NoError(t, conn.QueryRow(ctx, "SELECT current_setting('application_name')").Scan(&name))
	assert.Equal(t, MonitorAppName, name)
}

func TestRefusedConnectionCarriesTheServerCode(t *testing.T) {
	t.Parallel()
	url := pgtest.FullURL(t, pgtest.NewDatabase(t))
	_, err := Open(context.Background(), url)
	var ce *ConnectError
	require.ErrorAs(t, err, &ce)
	t.Log(err)
	assert.Contains(t, err.Error(), "refused the connection")
	assert.Equal(t, "53300", ce.SQLState())
	assert.Equal(t, "53300", SQLState(err))
}

func TestConnectObeysTheContext(t *testing.T) {
	t.Parallel()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	defer ln.Close()
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			defer c.Close() // never answers
		}
	}()
	cc, err := ConnConfig("postgres://u@"+ln.Addr().String()+"/db?sslmode=disable", AppName)
	require.NoError(t, err)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err = Connect(ctx, cc)
	var ce *ConnectError
	require.ErrorAs(t, err, &ce)
	assert.ErrorIs(t, err, context.Canceled)
	assert.Empty(t, SQLState(context.Canceled))
}

func TestSQLState(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		err  error
		want string
	}{
		{"nil", nil, ""},
		{"server error", &pgconn.PgError{Code: "40P01"}, "40P01"},
		{"wrapped server error", errors.Join(errors.New("sql"), &pgconn.PgError{Code: "23505"}), "23505"},
		{"connection reset", &net.OpError{Op: "read", Err: os.ErrDeadlineExceeded}, CodeConnectionFailure},
		{"unexpected end", io.ErrUnexpectedEOF, CodeConnectionFailure},
		{"closed", net.ErrClosed, CodeConnectionFailure},
		{"cancelled", context.Canceled, ""},
		{"other", errors.New("cannot encode"), ""},
	}
	for _, tc := range tests {
		assert.Equal(t, tc.want, SQLState(tc.err), tc.name)
	}
}
