package paymentapi

import (
	"encoding/json"
	"net/http"
	"regexp"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// memberState is what a payment changes on one member.
type memberState struct {
	balance       float64
	pv, pvg       int
	ledger, comms int
}

func (e *env) state(member int) memberState {
	var s memberState
	require.NoError(e.t, e.pool.QueryRow(e.ctx, `SELECT w.balance, u.pv_cache, u.pvg_cache,
		(SELECT count(*) FROM wallettransactions WHERE member_id = $1),
		(SELECT count(*) FROM commissions WHERE member_id = $1)
		FROM users u JOIN wallets w ON w.member_id = u.member_id WHERE u.member_id = $1`, member).
		Scan(&s.balance, &s.pv, &s.pvg, &s.ledger, &s.comms))
	return s
}

func TestCreateOrderAndPayHappyPath(t *testing.T) {
	t.Parallel()
	e := newEnv(t, karyConfig(15, 50000, 60000), Config{}, 4)
	buyer := e.member(7) // fanout 2: 7 -> 3 -> 1 -> 0, so three upline members
	upline := []int{e.member(3), e.member(1), e.member(0)}
	kit, item := e.product("kit"), e.product("cápsulas")

	o := e.createOrder(buyer, LineRequest{ProductID: kit, Qty: 1}, LineRequest{ProductID: item, Qty: 2})
	assert.Equal(t, "pending_payment", o.Status)
	assert.Equal(t, "MXN", o.Currency)
	require.Len(t, o.Lines, 2)
	assert.InDelta(t, o.Lines[0].LineTotal+o.Lines[1].LineTotal, o.Total, 1e-9)
	assert.Equal(t, o.Lines[0].LinePV+o.Lines[1].LinePV, o.TotalPV)
	assert.Equal(t, 2*o.Lines[1].UnitPV, o.Lines[1].LinePV)
	assert.Equal(t, 2, e.count(`SELECT count(*) FROM orderitems WHERE order_id = $1`, o.ID))

	before := e.state(buyer)
	upBefore := make([]memberState, len(upline))
	for i, m := range upline {
		upBefore[i] = e.state(m)
	}
	status, body, _ := e.pay(o.ID, "happy-1")
	require.Equal(t, http.StatusOK, status, string(body))
	var p Payment
	require.NoError(t, json.Unmarshal(body, &p))
	assert.Equal(t, "payment_confirmed", p.Status)
	assert.Regexp(t, regexp.MustCompile(`^wallet_[0-9a-f]{16}$`), p.PaymentReference)
	assert.InDelta(t, before.balance, p.BalanceBefore, 1e-9)
	assert.InDelta(t, before.balance-o.Total, p.BalanceAfter, 1e-9)

	after := e.state(buyer)
	assert.InDelta(t, before.balance-o.Total, after.balance, 1e-9)
	assert.Equal(t, before.pv+o.TotalPV, after.pv)
	assert.Equal(t, before.pvg+o.TotalPV, after.pvg)
	assert.Equal(t, before.ledger+1, after.ledger)
	for i, m := range upline {
		assert.Equal(t, upBefore[i].pvg+o.TotalPV, e.state(m).pvg, "ancestor %d", m)
		assert.Equal(t, upBefore[i].pv, e.state(m).pv, "ancestor %d pv_cache", m)
	}
	e.assertPaidOrder(o, p)
	e.assertCommissions(o, buyer, upline)
}

// assertPaidOrder checks the order header and its single ledger row.
func (e *env) assertPaidOrder(o Order, p Payment) {
	t := e.t
	var status, method, ref string
	var period int
	var confirmedAfterCreate bool
	require.NoError(t, e.pool.QueryRow(e.ctx, `SELECT status, payment_method, payment_reference, period_id,
		payment_confirmed_at >= created_at FROM orders WHERE id = $1`, o.ID).Scan(&status, &method, &ref, &period, &confirmedAfterCreate))
	assert.Equal(t, "payment_confirmed", status)
	assert.Equal(t, "wallet", method)
	assert.Equal(t, p.PaymentReference, ref)
	assert.Equal(t, p.PeriodID, period)
	assert.True(t, confirmedAfterCreate)
	var amount, bb, ba float64
	var typ, st string
	require.NoError(t, e.pool.QueryRow(e.ctx, `SELECT amount, balance_before, balance_after, transaction_type, status
		FROM wallettransactions WHERE order_id = $1`, o.ID).Scan(&amount, &bb, &ba, &typ, &st))
	assert.InDelta(t, -o.Total, amount, 1e-9)
	assert.InDelta(t, bb+amount, ba, 1e-9)
	assert.Equal(t, "order_payment", typ)
	assert.Equal(t, "completed", st)
}

// assertCommissions checks the direct bonus and the fast-start bonus of a one-kit order.
func (e *env) assertCommissions(o Order, buyer int, upline []int) {
	t := e.t
	var receiver, depth int
	var amount float64
	require.NoError(t, e.pool.QueryRow(e.ctx, `SELECT member_id, level_depth, amount_vn FROM commissions
		WHERE source_order_id = $1 AND bonus_type = 'bono_directo'`, o.ID).Scan(&receiver, &depth, &amount))
	assert.Equal(t, upline[0], receiver)
	assert.Equal(t, 1, depth)
	assert.InDelta(t, 0.25*o.TotalVN, amount, 1e-9)

	kitPV := o.Lines[0].LinePV
	rows, err := e.pool.Query(e.ctx, `SELECT member_id, level_depth, amount_vn, amount_converted, status,
		source_member_id FROM commissions WHERE source_order_id = $1 AND bonus_type = 'bono_rapido' ORDER BY level_depth`, o.ID)
	require.NoError(t, err)
	defer rows.Close()
	want := []float64{0.30, 0.10, 0.05}
	n := 0
	for rows.Next() {
		var m, d, src int
		var vn, conv float64
		var st string
		require.NoError(t, rows.Scan(&m, &d, &vn, &conv, &st, &src))
		require.Less(t, n, 3)
		assert.Equal(t, upline[n], m)
		assert.Equal(t, n+1, d)
		assert.InDelta(t, want[n]*float64(kitPV), vn, 1e-9)
		assert.InDelta(t, vn, conv, 1e-9)
		assert.Equal(t, "pending", st)
		assert.Equal(t, buyer, src)
		n++
	}
	require.NoError(t, rows.Err())
	assert.Equal(t, 3, n)
}
