package paymentapi

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
)

// Commission rules the payment applies (the payment's commission step: the
// direct bonus to the sponsor and the fast-start bonus up three levels of the tree).
const (
	directRate      = 0.25 // bono_directo: 25 % of total_vn to users.sponsor_id, level 1
	bonusDirect     = "bono_directo"
	bonusFastStart  = "bono_rapido"
	kitPresentation = "kit"
)

// fastStartRates are the bono_rapido percentages of a kit line's PV by upline depth 1..3.
var fastStartRates = map[int]float64{1: 0.30, 2: 0.10, 3: 0.05}

// commission is one pending commission row to insert.
type commission struct {
	receiver  int
	bonusType string
	depth     int
	amount    float64 // in the order's currency
	country   string  // receiver's country_cache ("" for NULL), for its currency
}

// writeCommissions inserts the pending direct bonus (when total_vn > 0 and the buyer has a
// sponsor) and one fast-start bonus per kit line and upline member at depth 1..3. It
// returns how many rows it wrote.
func writeCommissions(ctx context.Context, tx pgx.Tx, o lockedOrder, p Payment) (int, error) {
	var cs []commission
	if o.totalVN > 0 {
		var sponsor *int
		var country string
		err := tx.QueryRow(ctx, `SELECT u.sponsor_id, coalesce(s.country_cache, '') FROM users u
			LEFT JOIN users s ON s.member_id = u.sponsor_id WHERE u.member_id = $1`, o.memberID).Scan(&sponsor, &country)
		if err != nil {
			return 0, fmt.Errorf("read sponsor: %w", err)
		}
		if sponsor != nil {
			cs = append(cs, commission{receiver: *sponsor, bonusType: bonusDirect, depth: 1, amount: directRate * o.totalVN, country: country})
		}
	}
	fast, err := fastStart(ctx, tx, o)
	if err != nil {
		return 0, err
	}
	cs = append(cs, fast...)
	if err := insertCommissions(ctx, tx, o, p, cs); err != nil {
		return 0, err
	}
	return len(cs), nil
}

// fastStart returns, for each kit line, one bono_rapido per upline member at depth 1..3,
// worth the depth's rate times the line's PV, recorded as money in the order currency.
func fastStart(ctx context.Context, tx pgx.Tx, o lockedOrder) ([]commission, error) {
	rows, err := tx.Query(ctx, `SELECT oi.line_pv FROM orderitems oi JOIN products p ON p.id = oi.product_id
		WHERE oi.order_id = $1 AND p.presentation = $2 ORDER BY oi.id`, o.id, kitPresentation)
	if err != nil {
		return nil, fmt.Errorf("read kit lines: %w", err)
	}
	kits, err := pgx.CollectRows(rows, pgx.RowTo[int])
	if err != nil || len(kits) == 0 {
		return nil, wrapIf("read kit lines", err)
	}
	rows, err = tx.Query(ctx, `SELECT t.ancestor_id, t.depth, coalesce(u.country_cache, '') FROM usertreepath t
		JOIN users u ON u.member_id = t.ancestor_id
		WHERE t.descendant_id = $1 AND t.depth BETWEEN 1 AND 3 ORDER BY t.depth`, o.memberID)
	if err != nil {
		return nil, fmt.Errorf("read upline: %w", err)
	}
	var upline []commission
	var c commission
	_, err = pgx.ForEachRow(rows, []any{&c.receiver, &c.depth, &c.country}, func() error {
		upline = append(upline, c)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("read upline: %w", err)
	}
	var out []commission
	for _, linePV := range kits {
		for _, u := range upline {
			u.bonusType = bonusFastStart
			u.amount = fastStartRates[u.depth] * float64(linePV)
			out = append(out, u)
		}
	}
	return out, nil
}

func insertCommissions(ctx context.Context, tx pgx.Tx, o lockedOrder, p Payment, cs []commission) error {
	rates := map[string]float64{o.currency: 1}
	b := &pgx.Batch{}
	for _, c := range cs {
		dest := currencyOf(c.country)
		rate, err := exchangeRate(ctx, tx, rates, o.currency, dest, p.ConfirmedAt)
		if err != nil {
			return err
		}
		b.Queue(`INSERT INTO commissions (member_id, bonus_type, source_member_id, source_order_id, period_id,
			level_depth, amount_vn, currency_origin, amount_converted, currency_destination, exchange_rate,
			status, calculated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, 'pending', $12)`,
			c.receiver, c.bonusType, o.memberID, o.id, p.PeriodID, c.depth, c.amount, o.currency,
			c.amount*rate, dest, rate, p.ConfirmedAt)
	}
	if b.Len() == 0 {
		return nil
	}
	return wrapIf("insert commissions", tx.SendBatch(ctx, b).Close())
}

// exchangeRate returns the from→to rate in effect at now (1 when equal), caching per payment.
func exchangeRate(ctx context.Context, tx pgx.Tx, cache map[string]float64, from, to string, now time.Time) (float64, error) {
	if r, ok := cache[to]; ok {
		return r, nil
	}
	var rate float64
	err := tx.QueryRow(ctx, `SELECT rate FROM exchangerates WHERE from_currency = $1 AND to_currency = $2
		AND effective_from <= $3 AND (effective_until IS NULL OR effective_until >= $3)
		ORDER BY effective_from DESC, id DESC LIMIT 1`, from, to, now).Scan(&rate)
	if errors.Is(err, pgx.ErrNoRows) {
		return 0, fmt.Errorf("%w: %s to %s", ErrNoExchangeRate, from, to)
	}
	if err != nil {
		return 0, fmt.Errorf("read exchange rate: %w", err)
	}
	cache[to] = rate
	return rate, nil
}

// wrapIf prefixes err with op, and returns nil for a nil err.
func wrapIf(op string, err error) error {
	if err == nil {
		return nil
	}
	return fmt.Errorf("%s: %w", op, err)
}
