package paymentapi

import (
	"net/http"
	"regexp"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestMetricsCountRoutesAndOutcomes(t *testing.T) {
	t.Parallel()
	e := newEnv(t, karyConfig(3, 500, 500), Config{}, 2)
	cheap := e.createOrder(e.member(1), LineRequest{ProductID: e.product("cápsulas"), Qty: 1})
	dear := e.createOrder(e.member(2), LineRequest{ProductID: e.product("kit"), Qty: 1})
	status, body, _ := e.pay(cheap.ID, "m-1")
	require.Equal(t, http.StatusOK, status, string(body))
	status, _, _ = e.pay(dear.ID, "m-2")
	require.Equal(t, http.StatusPaymentRequired, status)
	status, _, _ = e.pay(cheap.ID, "m-1")
	require.Equal(t, http.StatusOK, status)

	status, body, _ = e.do(http.MethodGet, "/metrics", nil, nil)
	require.Equal(t, http.StatusOK, status)
	text := string(body)
	for _, want := range []string{
		`paymentapi_http_requests_total{code="201",outcome="ok",route="POST /orders"} 2`,
		`paymentapi_http_requests_total{code="200",outcome="ok",route="POST /orders/{id}/pay"} 2`,
		`paymentapi_http_requests_total{code="402",outcome="refused",route="POST /orders/{id}/pay"} 1`,
		`paymentapi_http_request_duration_seconds_count{outcome="refused",route="POST /orders/{id}/pay"} 1`,
		`paymentapi_idempotent_replays_total 1`,
		`paymentapi_payment_retries_total 0`,
	} {
		assert.Contains(t, text, want)
	}
	assert.Regexp(t, regexp.MustCompile(`(?m)^go_goroutines \d+`), text)
}
