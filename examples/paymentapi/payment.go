package paymentapi

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
)

// Order and ledger values the payment reads and writes.
const (
	statusPending   = "pending_payment"
	statusConfirmed = "payment_confirmed"
	walletActive    = "ACTIVE"
)

// IdempotencyHeader is the request header that names a payment attempt.
const IdempotencyHeader = "Idempotency-Key"

// ReplayedHeader is set to "true" on a response replayed from a stored Idempotency-Key.
const ReplayedHeader = "Idempotent-Replayed"

// Payment is the result of a wallet payment, as POST /orders/{id}/pay returns it. A replay
// of the same Idempotency-Key returns the same body.
type Payment struct {
	OrderID          int       `json:"order_id"`
	MemberID         int       `json:"member_id"`
	Status           string    `json:"status"`
	PaymentReference string    `json:"payment_reference"`
	Amount           float64   `json:"amount"`
	Currency         string    `json:"currency"`
	BalanceBefore    float64   `json:"balance_before"`
	BalanceAfter     float64   `json:"balance_after"`
	LedgerID         int       `json:"ledger_id"`
	PeriodID         int       `json:"period_id"`
	PV               int       `json:"pv"`
	Commissions      int       `json:"commissions"`
	ConfirmedAt      time.Time `json:"confirmed_at"`
	// Replayed is true when the result came from a stored Idempotency-Key.
	Replayed bool `json:"-"`
}

func (s *Server) handlePay(w http.ResponseWriter, r *http.Request) {
	id, err := pathInt(r, "id")
	if err != nil {
		s.writeError(w, err)
		return
	}
	p, err := s.Pay(r.Context(), id, r.Header.Get(IdempotencyHeader))
	if err != nil {
		s.writeError(w, err)
		return
	}
	if p.Replayed {
		w.Header().Set(ReplayedHeader, "true")
	}
	writeJSON(w, http.StatusOK, p)
}

// Pay pays order orderID from its buyer's wallet in one transaction, retrying 40001/40P01
// with jittered backoff; key is the client's Idempotency-Key (required). A key already
// committed for this order returns the stored Payment with Replayed set.
func (s *Server) Pay(ctx context.Context, orderID int, key string) (Payment, error) {
	key = strings.TrimSpace(key)
	if key == "" || len(key) > maxKeyLen {
		return Payment{}, fmt.Errorf("%w: the %s header is required (1..%d characters)", ErrInvalidRequest, IdempotencyHeader, maxKeyLen)
	}
	var p Payment
	err := withRetry(ctx, s.cfg.Retry, s.metrics.onAbort, func(ctx context.Context) error {
		return pgx.BeginFunc(ctx, s.db, func(tx pgx.Tx) error {
			var err error
			p, err = s.payOnce(ctx, tx, orderID, key)
			return err
		})
	})
	if errors.Is(err, ErrBusy) {
		s.metrics.onExhausted()
	}
	if err != nil {
		return Payment{}, fmt.Errorf("paymentapi: pay order %d: %w", orderID, err)
	}
	if p.Replayed {
		s.metrics.replays.Inc()
	}
	return p, nil
}

// lockedOrder is the order row as the payment locked it.
type lockedOrder struct {
	id, memberID, totalPV int
	total, totalVN        float64
	status, currency      string
	reference             *string
}

// payOnce is one attempt: lock the order, then the wallet, then the member rows; debit,
// confirm, add points, write commissions and store the idempotency key.
func (s *Server) payOnce(ctx context.Context, tx pgx.Tx, orderID int, key string) (Payment, error) {
	o, err := lockOrder(ctx, tx, orderID)
	if err != nil {
		return Payment{}, err
	}
	if p, ok, err := storedPayment(ctx, tx, key, orderID); err != nil || ok {
		return p, err
	}
	if o.status != statusPending || o.reference != nil {
		return Payment{}, fmt.Errorf("%w: order %d is %s", ErrWrongState, o.id, o.status)
	}
	p, err := debit(ctx, tx, o)
	if err != nil {
		return Payment{}, err
	}
	if err := confirm(ctx, tx, o, &p); err != nil {
		return Payment{}, err
	}
	if err := s.addPoints(ctx, tx, o, p.ConfirmedAt); err != nil {
		return Payment{}, err
	}
	if p.Commissions, err = writeCommissions(ctx, tx, o, p); err != nil {
		return Payment{}, err
	}
	return p, storePayment(ctx, tx, key, p)
}

func (s *Server) addPoints(ctx context.Context, tx pgx.Tx, o lockedOrder, now time.Time) error {
	if o.totalPV == 0 {
		return nil
	}
	if s.cfg.Legacy {
		return legacyAddPoints(ctx, tx, o.memberID, o.totalPV, now)
	}
	return addPoints(ctx, tx, o.memberID, o.totalPV, now)
}

func lockOrder(ctx context.Context, tx pgx.Tx, id int) (lockedOrder, error) {
	o := lockedOrder{id: id}
	err := tx.QueryRow(ctx, `SELECT member_id, status, total, total_pv, total_vn, currency, payment_reference
		FROM orders WHERE id = $1 FOR UPDATE`, id).
		Scan(&o.memberID, &o.status, &o.total, &o.totalPV, &o.totalVN, &o.currency, &o.reference)
	if errors.Is(err, pgx.ErrNoRows) {
		return o, fmt.Errorf("%w: order %d", ErrOrderNotFound, id)
	}
	if err != nil {
		return o, fmt.Errorf("lock order: %w", err)
	}
	return o, nil
}

// debit locks the buyer's wallet, checks it, and writes the new balance and its ledger row.
func debit(ctx context.Context, tx pgx.Tx, o lockedOrder) (Payment, error) {
	p := Payment{OrderID: o.id, MemberID: o.memberID, Amount: o.total, Currency: o.currency, PV: o.totalPV}
	var status string
	err := tx.QueryRow(ctx, `SELECT balance, currency, status FROM wallets WHERE member_id = $1 FOR UPDATE`, o.memberID).
		Scan(&p.BalanceBefore, &p.Currency, &status)
	switch {
	case errors.Is(err, pgx.ErrNoRows):
		return p, fmt.Errorf("%w: member %d", ErrWalletNotFound, o.memberID)
	case err != nil:
		return p, fmt.Errorf("lock wallet: %w", err)
	case status != walletActive:
		return p, fmt.Errorf("%w: wallet of member %d is %s", ErrWalletInactive, o.memberID, status)
	case p.Currency != o.currency:
		return p, fmt.Errorf("%w: order %s, wallet %s", ErrCurrencyMismatch, o.currency, p.Currency)
	case p.BalanceBefore < o.total:
		return p, fmt.Errorf("%w: balance %.2f %s, order total %.2f", ErrInsufficientBalance, p.BalanceBefore, p.Currency, o.total)
	}
	if p.ConfirmedAt, p.PeriodID, err = currentPeriod(ctx, tx); err != nil {
		return p, err
	}
	p.BalanceAfter = p.BalanceBefore - o.total
	if _, err := tx.Exec(ctx, `UPDATE wallets SET balance = $2, updated_at = $3 WHERE member_id = $1`,
		o.memberID, p.BalanceAfter, p.ConfirmedAt); err != nil {
		return p, fmt.Errorf("debit wallet: %w", err)
	}
	err = tx.QueryRow(ctx, `INSERT INTO wallettransactions (transaction_uuid, member_id, transaction_type, status,
		amount, balance_before, balance_after, currency, order_id, description, created_at, completed_at)
		VALUES (gen_random_uuid()::text, $1, 'order_payment', 'completed', $2, $3, $4, $5, $6, $7, $8, $8)
		RETURNING id`, o.memberID, -o.total, p.BalanceBefore, p.BalanceAfter, p.Currency, o.id,
		fmt.Sprintf("Pago de orden #%d", o.id), p.ConfirmedAt).Scan(&p.LedgerID)
	if err != nil {
		return p, fmt.Errorf("insert ledger row: %w", err)
	}
	return p, nil
}

// currentPeriod returns the database's UTC wall clock (read after the wallet lock, so a
// wallet's ledger rows are in created_at order) and the open period covering it minus 6h,
// the app's "Mexico now"; overlapping periods resolve to the latest start.
func currentPeriod(ctx context.Context, tx pgx.Tx) (time.Time, int, error) {
	var now time.Time
	var periodID *int
	err := tx.QueryRow(ctx, `WITH c AS (SELECT clock_timestamp() AT TIME ZONE 'UTC' AS now)
		SELECT c.now, (SELECT id FROM periods WHERE starts_on <= c.now - interval '6 hours'
			AND ends_on >= c.now - interval '6 hours' AND closed_at IS NULL
			ORDER BY starts_on DESC, id DESC LIMIT 1) FROM c`).Scan(&now, &periodID)
	if err != nil {
		return now, 0, fmt.Errorf("read current period: %w", err)
	}
	if periodID == nil {
		return now, 0, ErrNoOpenPeriod
	}
	return now, *periodID, nil
}

// confirm stamps the order paid in the current period with a fresh wallet_<16 hex> reference.
func confirm(ctx context.Context, tx pgx.Tx, o lockedOrder, p *Payment) error {
	var b [8]byte
	if _, err := rand.Read(b[:]); err != nil {
		return fmt.Errorf("payment reference: %w", err)
	}
	p.PaymentReference = "wallet_" + hex.EncodeToString(b[:])
	p.Status = statusConfirmed
	_, err := tx.Exec(ctx, `UPDATE orders SET status = $2, payment_confirmed_at = $3, period_id = $4,
		payment_method = 'wallet', payment_reference = $5 WHERE id = $1`,
		o.id, p.Status, p.ConfirmedAt, p.PeriodID, p.PaymentReference)
	if err != nil {
		return fmt.Errorf("confirm order: %w", err)
	}
	return nil
}
