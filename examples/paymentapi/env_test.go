package paymentapi

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/require"

	"github.com/nnprotect/nnjs/internal/pgtest"
	"github.com/nnprotect/nnjs/seed"
)

// env is one test's seeded database, service and HTTP server.
type env struct {
	t      *testing.T
	ctx    context.Context
	pool   *pgxpool.Pool
	srv    *Server
	http   *httptest.Server
	client *http.Client
	seed   seed.Config
}

// karyConfig is a small k-ary tree (fanout 2) with wallets large enough for many payments.
func karyConfig(count int, minBalance, maxBalance float64) seed.Config {
	c := seed.DefaultConfig()
	c.Count, c.Tree, c.Fanout = count, seed.TreeKary, 2
	c.MinBalance, c.MaxBalance = minBalance, maxBalance
	return c
}

// newEnv seeds a fresh database with sc and serves a Server with cfg. The pool uses a short
// deadlock_timeout so that deadlocks are detected quickly.
func newEnv(t *testing.T, sc seed.Config, cfg Config, poolSize int32) *env {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	t.Cleanup(cancel)
	pc, err := pgxpool.ParseConfig(pgtest.NewDatabase(t))
	require.NoError(t, err)
	pc.MaxConns = poolSize
	pc.ConnConfig.RuntimeParams["deadlock_timeout"] = "20ms"
	pool, err := pgxpool.NewWithConfig(ctx, pc)
	require.NoError(t, err)
	t.Cleanup(pool.Close)
	require.NoError(t, seed.ApplySchema(ctx, pool))
	require.NoError(t, seed.MarkStaging(ctx, pool, "paymentapi test"))
	_, err = seed.Run(ctx, pool, sc)
	require.NoError(t, err)
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	srv, err := New(ctx, pool, cfg)
	require.NoError(t, err)
	hs := httptest.NewServer(srv.Handler())
	t.Cleanup(hs.Close)
	client := &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: 512}}
	return &env{t: t, ctx: ctx, pool: pool, srv: srv, http: hs, client: client, seed: sc}
}

// member returns the member_id of the seeded member with 0-based index i.
func (e *env) member(i int) int { return int(e.seed.First) + i }

// product returns the id of the first catalogue product with the given presentation.
func (e *env) product(presentation string) int {
	var id int
	require.NoError(e.t, e.pool.QueryRow(e.ctx, `SELECT id FROM products WHERE presentation = $1 ORDER BY id LIMIT 1`,
		presentation).Scan(&id))
	return id
}

// do sends a request with an optional JSON body and headers; it returns status, body, headers.
func (e *env) do(method, path string, body any, header map[string]string) (int, []byte, http.Header) {
	var r io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		require.NoError(e.t, err)
		r = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(e.ctx, method, e.http.URL+path, r)
	require.NoError(e.t, err)
	for k, v := range header {
		req.Header.Set(k, v)
	}
	resp, err := e.client.Do(req)
	require.NoError(e.t, err)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	require.NoError(e.t, err)
	return resp.StatusCode, b, resp.Header
}

// createOrder posts an order and requires 201.
func (e *env) createOrder(member int, lines ...LineRequest) Order {
	status, body, _ := e.do(http.MethodPost, "/orders", OrderRequest{MemberID: member, Lines: lines}, nil)
	require.Equal(e.t, http.StatusCreated, status, string(body))
	var o Order
	require.NoError(e.t, json.Unmarshal(body, &o))
	return o
}

// pay posts a payment with key.
func (e *env) pay(orderID int, key string) (int, []byte, http.Header) {
	return e.do(http.MethodPost, fmt.Sprintf("/orders/%d/pay", orderID), nil, map[string]string{IdempotencyHeader: key})
}

// count runs a count(*) query.
func (e *env) count(sql string, args ...any) int {
	var n int
	require.NoError(e.t, e.pool.QueryRow(e.ctx, sql, args...).Scan(&n))
	return n
}

// errorCode decodes an ErrorBody's code.
func errorCode(t *testing.T, body []byte) string {
	var eb ErrorBody
	require.NoError(t, json.Unmarshal(body, &eb), string(body))
	return eb.Code
}
