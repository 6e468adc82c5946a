package paymentapi

import (
	"fmt"
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// snapshot counts every row a payment may write, to prove a refusal left nothing behind.
func (e *env) snapshot() string {
	var s string
	require.NoError(e.t, e.pool.QueryRow(e.ctx, `SELECT concat_ws('|',
		(SELECT count(*) FROM wallettransactions), (SELECT count(*) FROM commissions),
		(SELECT count(*) FROM `+IdempotencyTable+`),
		(SELECT string_agg(id || status || coalesce(payment_reference, '-') || coalesce(period_id, 0), ',' ORDER BY id) FROM orders),
		(SELECT string_agg(member_id || ':' || balance, ',' ORDER BY member_id) FROM wallets),
		(SELECT string_agg(member_id || ':' || pv_cache || ':' || pvg_cache, ',' ORDER BY member_id) FROM users))`).Scan(&s))
	return s
}

func TestPayInsufficientBalanceLeavesNothingBehind(t *testing.T) {
	t.Parallel()
	e := newEnv(t, karyConfig(7, 1000, 1000), Config{}, 4)
	o := e.createOrder(e.member(5), LineRequest{ProductID: e.product("kit"), Qty: 1})
	require.Greater(t, o.Total, 1000.0)
	before := e.snapshot()

	status, body, _ := e.pay(o.ID, "poor-1")
	assert.Equal(t, http.StatusPaymentRequired, status)
	assert.Equal(t, "insufficient_balance", errorCode(t, body))
	assert.Equal(t, before, e.snapshot())

	// The same key is not burnt by a refusal: once the order fits, it pays.
	_, err := e.pool.Exec(e.ctx, `UPDATE wallets SET balance = 10000 WHERE member_id = $1`, e.member(5))
	require.NoError(t, err)
	status, body, _ = e.pay(o.ID, "poor-1")
	assert.Equal(t, http.StatusOK, status, string(body))
}

func TestPayRefusals(t *testing.T) {
	t.Parallel()
	e := newEnv(t, karyConfig(7, 50000, 50000), Config{}, 4)
	item := LineRequest{ProductID: e.product("cápsulas"), Qty: 1}
	paid := e.createOrder(e.member(1), item)
	status, body, _ := e.pay(paid.ID, "paid-1")
	require.Equal(t, http.StatusOK, status, string(body))
	cancelled := e.createOrder(e.member(2), item)
	_, err := e.pool.Exec(e.ctx, `UPDATE orders SET status = 'cancelled' WHERE id = $1`, cancelled.ID)
	require.NoError(t, err)
	pending := e.createOrder(e.member(3), item)
	suspended := e.createOrder(e.member(4), item)
	_, err = e.pool.Exec(e.ctx, `UPDATE wallets SET status = 'SUSPENDED' WHERE member_id = $1`, e.member(4))
	require.NoError(t, err)
	foreign := e.createOrder(e.member(5), item)
	_, err = e.pool.Exec(e.ctx, `UPDATE wallets SET currency = 'USD' WHERE member_id = $1`, e.member(5))
	require.NoError(t, err)
	noPeriod := e.createOrder(e.member(6), item)

	tests := []struct {
		name   string
		order  int
		key    string
		setup  string
		status int
		code   string
	}{
		{"already paid, new key", paid.ID, "paid-2", "", http.StatusConflict, "wrong_state"},
		{"cancelled", cancelled.ID, "c-1", "", http.StatusConflict, "wrong_state"},
		{"unknown order", 999999, "u-1", "", http.StatusNotFound, "order_not_found"},
		{"missing key", pending.ID, "", "", http.StatusBadRequest, "invalid_request"},
		{"key used for another order", pending.ID, "paid-1", "", http.StatusUnprocessableEntity, "idempotency_key_reused"},
		{"suspended wallet", suspended.ID, "s-1", "", http.StatusConflict, "wallet_inactive"},
		{"wallet in another currency", foreign.ID, "f-1", "", http.StatusConflict, "currency_mismatch"},
		{"no open period", noPeriod.ID, "np-1", `UPDATE periods SET closed_at = now()`, http.StatusConflict, "no_open_period"},
	}
	for _, tc := range tests { // sequential: the last case closes the period
		t.Run(tc.name, func(t *testing.T) {
			if tc.setup != "" {
				_, err := e.pool.Exec(e.ctx, tc.setup)
				require.NoError(t, err)
			}
			before := e.snapshot()
			status, body, _ := e.pay(tc.order, tc.key)
			assert.Equal(t, tc.status, status, string(body))
			assert.Equal(t, tc.code, errorCode(t, body))
			assert.Equal(t, before, e.snapshot())
		})
	}
	status, body, _ = e.do(http.MethodPost, "/orders/abc/pay", nil, map[string]string{IdempotencyHeader: "x"})
	assert.Equal(t, http.StatusBadRequest, status)
	assert.Equal(t, "invalid_request", errorCode(t, body))
}

func TestPayConvertsCommissionsToTheReceiversCurrency(t *testing.T) {
	t.Parallel()
	e := newEnv(t, karyConfig(3, 5000, 5000), Config{}, 2)
	sponsor, buyer := e.member(0), e.member(1)
	_, err := e.pool.Exec(e.ctx, `UPDATE users SET country_cache = 'USA' WHERE member_id = $1`, sponsor)
	require.NoError(t, err)
	o := e.createOrder(buyer, LineRequest{ProductID: e.product("cápsulas"), Qty: 1})
	before := e.snapshot()
	status, body, _ := e.pay(o.ID, "fx-1")
	assert.Equal(t, http.StatusConflict, status)
	assert.Equal(t, "no_exchange_rate", errorCode(t, body))
	assert.Equal(t, before, e.snapshot())

	_, err = e.pool.Exec(e.ctx, `INSERT INTO exchangerates (from_currency, to_currency, rate, effective_from)
		VALUES ('MXN', 'USD', 0.05, now() AT TIME ZONE 'UTC' - interval '1 day')`)
	require.NoError(t, err)
	status, body, _ = e.pay(o.ID, "fx-1")
	require.Equal(t, http.StatusOK, status, string(body))
	var vn, converted, rate float64
	var dest string
	require.NoError(t, e.pool.QueryRow(e.ctx, `SELECT amount_vn, amount_converted, exchange_rate, currency_destination
		FROM commissions WHERE source_order_id = $1 AND bonus_type = 'bono_directo' AND member_id = $2`, o.ID, sponsor).
		Scan(&vn, &converted, &rate, &dest))
	assert.InDelta(t, 0.25*o.TotalVN, vn, 1e-9)
	assert.InDelta(t, 0.25*o.TotalVN*0.05, converted, 1e-9)
	assert.InDelta(t, 0.05, rate, 1e-12)
	assert.Equal(t, "USD", dest)
}

func TestCreateOrderRefusals(t *testing.T) {
	t.Parallel()
	e := newEnv(t, karyConfig(3, 1000, 1000), Config{}, 2)
	item := e.product("cápsulas")
	tests := []struct {
		name   string
		body   any
		status int
		code   string
	}{
		{"unknown member", OrderRequest{MemberID: 12345, Lines: []LineRequest{{item, 1}}}, http.StatusNotFound, "member_not_found"},
		{"unknown product", OrderRequest{MemberID: e.member(1), Lines: []LineRequest{{item, 1}, {987654, 1}}}, http.StatusUnprocessableEntity, "product_not_found"},
		{"no lines", OrderRequest{MemberID: e.member(1)}, http.StatusBadRequest, "invalid_request"},
		{"zero qty", OrderRequest{MemberID: e.member(1), Lines: []LineRequest{{item, 0}}}, http.StatusBadRequest, "invalid_request"},
		{"unknown field", map[string]any{"member_id": e.member(1), "lines": []any{}, "coupon": "x"}, http.StatusBadRequest, "invalid_request"},
		{"not an object", "hello", http.StatusBadRequest, "invalid_request"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			status, body, _ := e.do(http.MethodPost, "/orders", tc.body, nil)
			assert.Equal(t, tc.status, status, string(body))
			assert.Equal(t, tc.code, errorCode(t, body))
		})
	}
	assert.Zero(t, e.count(`SELECT count(*) FROM orders`))
	assert.Zero(t, e.count(`SELECT count(*) FROM orderitems`))
}

func TestGetWalletAndHealth(t *testing.T) {
	t.Parallel()
	e := newEnv(t, karyConfig(2, 1234.5, 1234.5), Config{}, 2)
	status, body, _ := e.do(http.MethodGet, fmt.Sprintf("/wallets/%d", e.member(1)), nil, nil)
	require.Equal(t, http.StatusOK, status)
	assert.JSONEq(t, fmt.Sprintf(`{"member_id":%d,"balance":1234.5,"currency":"MXN","status":"ACTIVE"}`, e.member(1)), string(body))
	status, body, _ = e.do(http.MethodGet, "/wallets/7", nil, nil)
	assert.Equal(t, http.StatusNotFound, status)
	assert.Equal(t, "wallet_not_found", errorCode(t, body))
	status, body, _ = e.do(http.MethodGet, "/healthz", nil, nil)
	assert.Equal(t, http.StatusOK, status)
	assert.JSONEq(t, `{"status":"ok"}`, string(body))
}
