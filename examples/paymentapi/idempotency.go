package paymentapi

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"
)

// IdempotencyTable is the nnjs-owned table that stores, in the payment's own transaction,
// each Idempotency-Key with the order it paid and the response it returned.
const IdempotencyTable = "nnjs_idempotency_keys"

const idempotencyPKey = IdempotencyTable + "_pkey"

// maxKeyLen bounds an Idempotency-Key header.
const maxKeyLen = 255

const idempotencyDDL = `CREATE TABLE IF NOT EXISTS ` + IdempotencyTable + ` (
    key         varchar(255)  PRIMARY KEY,
    order_id    integer       NOT NULL REFERENCES orders (id),
    member_id   integer       NOT NULL,
    response    jsonb         NOT NULL,
    created_at  timestamp     NOT NULL
)`

// EnsureIdempotencyTable creates the idempotency table if it is missing. The NNProtect
// schema (orders) must exist already.
func EnsureIdempotencyTable(ctx context.Context, db DB) error {
	if _, err := db.Exec(ctx, idempotencyDDL); err != nil {
		return fmt.Errorf("paymentapi: create %s: %w", IdempotencyTable, err)
	}
	return nil
}

// storedPayment looks up key; ok is false when the key was never committed. A key stored
// for another order is ErrKeyReused.
func storedPayment(ctx context.Context, tx pgx.Tx, key string, orderID int) (Payment, bool, error) {
	var keyOrder int
	var body []byte
	err := tx.QueryRow(ctx, `SELECT order_id, response FROM `+IdempotencyTable+` WHERE key = $1`, key).Scan(&keyOrder, &body)
	if errors.Is(err, pgx.ErrNoRows) {
		return Payment{}, false, nil
	}
	if err != nil {
		return Payment{}, false, fmt.Errorf("read idempotency key: %w", err)
	}
	if keyOrder != orderID {
		return Payment{}, false, fmt.Errorf("%w: key was used for order %d", ErrKeyReused, keyOrder)
	}
	var p Payment
	if err := json.Unmarshal(body, &p); err != nil {
		return Payment{}, false, fmt.Errorf("decode stored payment: %w", err)
	}
	p.Replayed = true
	return p, true, nil
}

// storePayment records key with p in the payment transaction. Two first uses of one key
// collide on the primary key (23505), which the retry loop turns into a replay.
func storePayment(ctx context.Context, tx pgx.Tx, key string, p Payment) error {
	body, err := json.Marshal(p)
	if err != nil {
		return fmt.Errorf("encode payment: %w", err)
	}
	_, err = tx.Exec(ctx, `INSERT INTO `+IdempotencyTable+` (key, order_id, member_id, response, created_at)
		VALUES ($1, $2, $3, $4, $5)`, key, p.OrderID, p.MemberID, body, p.ConfirmedAt)
	if err != nil {
		return fmt.Errorf("store idempotency key: %w", err)
	}
	return nil
}
