package paymentapi

import (
	"errors"
	"net/http"
)

// Business refusals. Handlers map them to 4xx JSON responses; a refused payment leaves
// nothing behind because its transaction is rolled back.
var (
	// ErrOrderNotFound means no order has the requested id.
	ErrOrderNotFound = errors.New("order not found")
	// ErrMemberNotFound means no user has the requested member_id.
	ErrMemberNotFound = errors.New("member not found")
	// ErrProductNotFound means an order line names an unknown product.
	ErrProductNotFound = errors.New("product not found")
	// ErrWalletNotFound means the member has no wallet.
	ErrWalletNotFound = errors.New("wallet not found")
	// ErrWrongState means the order is not pending_payment (or already carries a reference).
	ErrWrongState = errors.New("order is not pending payment")
	// ErrInsufficientBalance means the wallet balance is below the order total.
	ErrInsufficientBalance = errors.New("insufficient balance")
	// ErrWalletInactive means the wallet status is not ACTIVE.
	ErrWalletInactive = errors.New("wallet is not active")
	// ErrCurrencyMismatch means the order currency differs from the wallet currency.
	ErrCurrencyMismatch = errors.New("order currency differs from wallet currency")
	// ErrNoOpenPeriod means no open period covers "now" (UTC-6h).
	ErrNoOpenPeriod = errors.New("no open period covers now")
	// ErrNoExchangeRate means a commission needs a currency conversion with no rate in effect.
	ErrNoExchangeRate = errors.New("no exchange rate in effect")
	// ErrKeyReused means the Idempotency-Key was already used for another order.
	ErrKeyReused = errors.New("idempotency key already used for another order")
	// ErrInvalidRequest means the request body, path or headers are malformed.
	ErrInvalidRequest = errors.New("invalid request")
	// ErrBusy means the payment kept failing with 40001/40P01 after every retry.
	ErrBusy = errors.New("payment aborted by concurrent transactions, retries exhausted")
)

// refusal ties a sentinel error to its HTTP status and its stable JSON code.
type refusal struct {
	err    error
	status int
	code   string
}

var refusals = []refusal{
	{ErrOrderNotFound, http.StatusNotFound, "order_not_found"},
	{ErrMemberNotFound, http.StatusNotFound, "member_not_found"},
	{ErrWalletNotFound, http.StatusNotFound, "wallet_not_found"},
	{ErrProductNotFound, http.StatusUnprocessableEntity, "product_not_found"},
	{ErrInvalidRequest, http.StatusBadRequest, "invalid_request"},
	{ErrWrongState, http.StatusConflict, "wrong_state"},
	{ErrInsufficientBalance, http.StatusPaymentRequired, "insufficient_balance"},
	{ErrWalletInactive, http.StatusConflict, "wallet_inactive"},
	{ErrCurrencyMismatch, http.StatusConflict, "currency_mismatch"},
	{ErrNoOpenPeriod, http.StatusConflict, "no_open_period"},
	{ErrNoExchangeRate, http.StatusConflict, "no_exchange_rate"},
	{ErrKeyReused, http.StatusUnprocessableEntity, "idempotency_key_reused"},
	{ErrBusy, http.StatusServiceUnavailable, "busy"},
}

// classify returns the HTTP status and JSON code of err; unknown errors are 500 "internal".
func classify(err error) (int, string) {
	for _, r := range refusals {
		if errors.Is(err, r.err) {
			return r.status, r.code
		}
	}
	return http.StatusInternalServerError, "internal"
}
