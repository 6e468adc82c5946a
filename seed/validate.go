package seed

import (
	"context"
	"fmt"
	"strings"
	"time"
)

// Check is the outcome of one Validate check.
type Check struct {
	Name   string // short stable name: marker, schema, products, reserved-range, period
	OK     bool
	Detail string // what was found, or what is missing and how to fix it
}

// Report is the outcome of Validate, in check order.
type Report struct{ Checks []Check }

// OK reports whether every check passed.
func (r Report) OK() bool {
	for _, c := range r.Checks {
		if !c.OK {
			return false
		}
	}
	return len(r.Checks) > 0
}

// Failed returns the names of the failing checks.
func (r Report) Failed() []string {
	var out []string
	for _, c := range r.Checks {
		if !c.OK {
			out = append(out, c.Name)
		}
	}
	return out
}

// requiredColumns are the tables and columns that the payment flow, the seeder and the
// integrity checks use.
var requiredColumns = map[string][]string{
	"users":              {"id", "member_id", "first_name", "last_name", "status", "sponsor_id", "pv_cache", "pvg_cache", "vn_cache", "created_at", "updated_at"},
	"usertreepath":       {"ancestor_id", "descendant_id", "depth"},
	"wallets":            {"id", "member_id", "balance", "currency", "status", "created_at", "updated_at"},
	"wallettransactions": {"id", "transaction_uuid", "member_id", "transaction_type", "status", "amount", "balance_before", "balance_after", "currency", "order_id", "commission_id", "description", "created_at"},
	"orders":             {"id", "member_id", "country", "currency", "subtotal", "shipping_cost", "tax", "discount", "total", "total_pv", "total_vn", "status", "created_at", "submitted_at", "payment_confirmed_at", "period_id", "payment_method", "payment_reference"},
	"orderitems":         {"id", "order_id", "product_id", "quantity", "unit_price", "unit_pv", "unit_vn", "line_total", "line_pv", "line_vn"},
	"products":           {"id", "product_name", "presentation", "pv_mx", "vn_mx", "price_mx"},
	"commissions":        {"id", "member_id", "bonus_type", "source_member_id", "source_order_id", "period_id", "level_depth", "amount_vn", "currency_origin", "amount_converted", "currency_destination", "exchange_rate", "status", "calculated_at"},
	"periods":            {"id", "name", "starts_on", "ends_on", "closed_at"},
	"ranks":              {"id", "name", "pv_required", "pvg_required"},
	"userrankhistory":    {"id", "member_id", "rank_id", "achieved_on", "period_id"},
}

// Validate checks that the database is ready for a load test of cfg's reserved range at
// time now: staging marker (or cfg.ConfirmDatabase), schema, products, seeded range and a
// single open period covering now in the app's time (UTC-6). It only reads, and it runs
// every check even when an earlier one fails; a check that cannot run fails with the
// reason.
func Validate(ctx context.Context, db Querier, cfg Config, now time.Time) Report {
	var r Report
	r.Checks = append(r.Checks, checkMarker(ctx, db, cfg))
	schema := checkSchema(ctx, db)
	r.Checks = append(r.Checks, schema)
	if !schema.OK {
		for _, name := range []string{"products", "reserved-range", "period"} {
			r.Checks = append(r.Checks, Check{Name: name, Detail: "skipped: the schema is incomplete"})
		}
		return r
	}
	r.Checks = append(r.Checks, checkProducts(ctx, db), checkRange(ctx, db, cfg), checkPeriod(ctx, db, now))
	return r
}

func checkMarker(ctx context.Context, db Querier, cfg Config) Check {
	c := Check{Name: "marker"}
	if err := Authorize(ctx, db, cfg.ConfirmDatabase); err != nil {
		c.Detail = err.Error()
		return c
	}
	c.OK = true
	c.Detail = "nnjs_meta marks this database as staging"
	if cfg.ConfirmDatabase != "" {
		c.Detail = fmt.Sprintf("named explicitly with %s", ConsentFlag)
	}
	return c
}

func checkSchema(ctx context.Context, db Querier) Check {
	c := Check{Name: "schema"}
	var missing []string
	const q = `SELECT coalesce(array_agg(w.c ORDER BY w.c), '{}') FROM unnest($1::text[]) AS w(c)
WHERE NOT EXISTS (SELECT 1 FROM information_schema.columns i
  WHERE i.table_schema = current_schema() AND i.table_name || '.' || i.column_name = w.c)`
	var want []string
	for t, cols := range requiredColumns {
		for _, col := range cols {
			want = append(want, t+"."+col)
		}
	}
	if err := db.QueryRow(ctx, q, want).Scan(&missing); err != nil {
		c.Detail = fmt.Sprintf("cannot read the catalog: %v", err)
		return c
	}
	if len(missing) > 0 {
		c.Detail = "missing columns: " + strings.Join(missing, ", ") + " (run `nnjs seed --init` on an empty staging database, or migrate it)"
		return c
	}
	c.OK, c.Detail = true, fmt.Sprintf("%d tables, %d columns present", len(requiredColumns), len(want))
	return c
}

func checkProducts(ctx context.Context, db Querier) Check {
	c := Check{Name: "products"}
	var n, priced int
	err := db.QueryRow(ctx, `SELECT count(*), count(*) FILTER (WHERE price_mx > 0) FROM products`).Scan(&n, &priced)
	switch {
	case err != nil:
		c.Detail = fmt.Sprintf("cannot count products: %v", err)
	case priced == 0:
		c.Detail = fmt.Sprintf("%d products, none with price_mx > 0 (`nnjs seed` fills an empty catalogue)", n)
	default:
		c.OK, c.Detail = true, fmt.Sprintf("%d products (%d with an MXN price)", n, priced)
	}
	return c
}

func checkRange(ctx context.Context, db Querier, cfg Config) Check {
	c := Check{Name: "reserved-range"}
	if err := cfg.Validate(); err != nil {
		c.Detail = err.Error()
		return c
	}
	const q = `SELECT
 (SELECT count(*) FROM users WHERE member_id BETWEEN $1 AND $2),
 (SELECT count(*) FROM wallets WHERE member_id BETWEEN $1 AND $2 AND status = 'ACTIVE'),
 (SELECT count(*) FROM usertreepath WHERE descendant_id BETWEEN $1 AND $2 AND depth = 0 AND ancestor_id = descendant_id)`
	var users, wallets, self int
	if err := db.QueryRow(ctx, q, int32(cfg.First), int32(cfg.Last())).Scan(&users, &wallets, &self); err != nil {
		c.Detail = fmt.Sprintf("cannot count the reserved range: %v", err)
		return c
	}
	span := fmt.Sprintf("member_id %d-%d", cfg.First, cfg.Last())
	if users != cfg.Count || wallets != cfg.Count || self != cfg.Count {
		c.Detail = fmt.Sprintf("%s: %d/%d users, %d/%d ACTIVE wallets, %d/%d depth-0 tree paths (run `nnjs seed`)",
			span, users, cfg.Count, wallets, cfg.Count, self, cfg.Count)
		return c
	}
	c.OK, c.Detail = true, fmt.Sprintf("%s: %d members with ACTIVE wallets and tree paths", span, users)
	return c
}

func checkPeriod(ctx context.Context, db Querier, now time.Time) Check {
	c := Check{Name: "period"}
	app := appNow(now)
	var n int
	var name *string
	const q = `SELECT count(*), min(name) FROM periods
WHERE starts_on <= $1::timestamp AND ends_on >= $1::timestamp AND closed_at IS NULL`
	if err := db.QueryRow(ctx, q, app).Scan(&n, &name); err != nil {
		c.Detail = fmt.Sprintf("cannot read periods: %v", err)
		return c
	}
	at := app.Format("2006-01-02 15:04:05") + " (UTC-6)"
	switch n {
	case 0:
		c.Detail = "no open period covers " + at + "; commission inserts would fail (run `nnjs seed`)"
	case 1:
		c.OK, c.Detail = true, fmt.Sprintf("period %q covers %s", deref(name), at)
	default:
		c.Detail = fmt.Sprintf("%d open periods cover %s; the app picks one arbitrarily", n, at)
	}
	return c
}
