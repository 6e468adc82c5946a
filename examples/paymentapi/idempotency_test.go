package paymentapi

import (
	"net/http"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestPayIdempotencyReplay(t *testing.T) {
	t.Parallel()
	e := newEnv(t, karyConfig(7, 50000, 50000), Config{}, 8)
	item := LineRequest{ProductID: e.product("kit"), Qty: 1}

	t.Run("sequential", func(t *testing.T) {
		o := e.createOrder(e.member(3), item)
		before := e.state(e.member(3))
		status1, body1, h1 := e.pay(o.ID, "seq-key")
		require.Equal(t, http.StatusOK, status1, string(body1))
		status2, body2, h2 := e.pay(o.ID, "seq-key")
		require.Equal(t, http.StatusOK, status2, string(body2))
		assert.Equal(t, string(body1), string(body2))
		assert.Empty(t, h1.Get(ReplayedHeader))
		assert.Equal(t, "true", h2.Get(ReplayedHeader))
		after := e.state(e.member(3))
		assert.InDelta(t, before.balance-o.Total, after.balance, 1e-9)
		assert.Equal(t, before.pv+o.TotalPV, after.pv)
		assert.Equal(t, 1, e.count(`SELECT count(*) FROM wallettransactions WHERE order_id = $1`, o.ID))
	})

	t.Run("concurrent", func(t *testing.T) {
		o := e.createOrder(e.member(5), item)
		before := e.state(e.member(5))
		const n = 24
		bodies := make([]string, n)
		statuses := make([]int, n)
		var wg sync.WaitGroup
		for i := range n {
			wg.Go(func() {
				s, b, _ := e.pay(o.ID, "conc-key")
				statuses[i], bodies[i] = s, string(b)
			})
		}
		wg.Wait()
		for i := range n {
			assert.Equal(t, http.StatusOK, statuses[i], bodies[i])
			assert.Equal(t, bodies[0], bodies[i])
		}
		after := e.state(e.member(5))
		assert.InDelta(t, before.balance-o.Total, after.balance, 1e-9)
		assert.Equal(t, before.pv+o.TotalPV, after.pv)
		assert.Equal(t, 1, e.count(`SELECT count(*) FROM wallettransactions WHERE order_id = $1`, o.ID))
		assert.Equal(t, 3, e.count(`SELECT count(*) FROM commissions WHERE source_order_id = $1`, o.ID)) // direct + fast start to 2 and 0
	})

	t.Run("one key raced on two orders", func(t *testing.T) {
		a, b := e.createOrder(e.member(6), item), e.createOrder(e.member(4), item)
		var wg sync.WaitGroup
		codes := make([]int, 2)
		for i, id := range []int{a.ID, b.ID} {
			wg.Go(func() { codes[i], _, _ = e.pay(id, "shared-key") })
		}
		wg.Wait()
		assert.ElementsMatch(t, []int{http.StatusOK, http.StatusUnprocessableEntity}, codes)
		assert.Equal(t, 1, e.count(`SELECT count(*) FROM wallettransactions WHERE order_id IN ($1, $2)`, a.ID, b.ID))
	})
}
