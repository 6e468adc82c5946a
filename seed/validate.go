package seed

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
)

// Check is the outcome of one Validate check.
type Check struct {
	Name string // short stable name: marker, schema, products, reserved-range, tree, period
	OK   bool
	// Skipped is set when the check could not run because an earlier one failed (Detail
	// says which); a skipped check is neither passed nor failed.
	Skipped bool
	Detail  string // what was found, or what is missing and how to fix it
}

// Status is "PASS", "FAIL" or "SKIP".
func (c Check) Status() string {
	switch {
	case c.Skipped:
		return "SKIP"
	case c.OK:
		return "PASS"
	}
	return "FAIL"
}

// Report is the outcome of Validate, in check order.
type Report struct{ Checks []Check }

// OK reports whether no check failed and at least one passed.
func (r Report) OK() bool {
	passed := false
	for _, c := range r.Checks {
		if !c.OK && !c.Skipped {
			return false
		}
		passed = passed || c.OK
	}
	return passed
}

// Failed returns the names of the failing checks (skipped ones are not failures).
func (r Report) Failed() []string {
	var out []string
	for _, c := range r.Checks {
		if !c.OK && !c.Skipped {
			out = append(out, c.Name)
		}
	}
	return out
}

// Skipped returns the names of the checks that could not run.
func (r Report) Skipped() []string {
	var out []string
	for _, c := range r.Checks {
		if c.Skipped {
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
// time now: staging marker (or cfg.ConfirmDatabase), schema, products, seeded range, its
// sponsor tree's closure rows and a single open period covering now in the app's time
// (UTC-6). It only reads. Checks that need the schema are skipped when it is incomplete;
// the others run even when an earlier one fails, and a check that cannot run fails with
// the reason.
func Validate(ctx context.Context, db Querier, cfg Config, now time.Time) Report {
	var r Report
	r.Checks = append(r.Checks, checkMarker(ctx, db, cfg))
	schema := checkSchema(ctx, db)
	r.Checks = append(r.Checks, schema)
	if !schema.OK {
		for _, name := range []string{"products", "reserved-range", "tree", "period"} {
			r.Checks = append(r.Checks, Check{Name: name, Skipped: true, Detail: "needs the schema"})
		}
		return r
	}
	r.Checks = append(r.Checks, checkProducts(ctx, db), checkRange(ctx, db, cfg), checkTree(ctx, db, cfg),
		checkPeriod(ctx, db, now))
	return r
}

func checkMarker(ctx context.Context, db Querier, cfg Config) Check {
	c := Check{Name: "marker"}
	err := Authorize(ctx, db, cfg.ConfirmDatabase)
	var ns *NotStagingError
	switch {
	case errors.As(err, &ns):
		c.Detail = fmt.Sprintf("database %q is not marked as staging: %s; if it is a disposable staging "+
			"database, mark it once with `nnjs seed --init %s=%s --operator <your name>`",
			ns.Database, ns.Reason, ConsentFlag, ns.Database)
		return c
	case err != nil:
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

// shownMissing bounds how many missing columns checkSchema names.
const shownMissing = 5

func checkSchema(ctx context.Context, db Querier) Check {
	c := Check{Name: "schema"}
	var missing []string
	var dbName string
	const q = `SELECT current_database(), coalesce(array_agg(w.c ORDER BY w.c), '{}') FROM unnest($1::text[]) AS w(c)
WHERE NOT EXISTS (SELECT 1 FROM information_schema.columns i
  WHERE i.table_schema = current_schema() AND i.table_name || '.' || i.column_name = w.c)`
	var want []string
	for t, cols := range requiredColumns {
		for _, col := range cols {
			want = append(want, t+"."+col)
		}
	}
	if err := db.QueryRow(ctx, q, want).Scan(&dbName, &missing); err != nil {
		c.Detail = fmt.Sprintf("cannot read the catalog: %v", err)
		return c
	}
	if len(missing) > 0 {
		c.Detail = describeMissing(missing) + fmt.Sprintf("; on an empty staging database, "+
			"`nnjs seed --init %s=%s --operator <your name>` creates the NNProtect tables (it never alters "+
			"an existing table: migrate those)", ConsentFlag, dbName)
		return c
	}
	c.OK, c.Detail = true, fmt.Sprintf("%d tables, %d columns present", len(requiredColumns), len(want))
	return c
}

// describeMissing summarises missing "table.column" names: whole tables first, then at most
// shownMissing columns of the tables that exist.
func describeMissing(missing []string) string {
	perTable := map[string]int{}
	for _, m := range missing {
		t, _, _ := strings.Cut(m, ".")
		perTable[t]++
	}
	var tables, cols []string
	for t, cs := range requiredColumns {
		if perTable[t] == len(cs) {
			tables = append(tables, t)
		}
	}
	for _, m := range missing {
		if t, _, _ := strings.Cut(m, "."); perTable[t] < len(requiredColumns[t]) {
			cols = append(cols, m)
		}
	}
	slices.Sort(tables)
	var parts []string
	switch {
	case len(tables) == len(requiredColumns):
		parts = append(parts, fmt.Sprintf("none of the %d payment tables exist", len(tables)))
	case len(tables) > 0:
		parts = append(parts, fmt.Sprintf("%d of %d payment tables missing: %s", len(tables),
			len(requiredColumns), strings.Join(tables, ", ")))
	}
	if len(cols) > 0 {
		more := ""
		if len(cols) > shownMissing {
			more = fmt.Sprintf(" and %d more", len(cols)-shownMissing)
			cols = cols[:shownMissing]
		}
		parts = append(parts, "missing columns: "+strings.Join(cols, ", ")+more)
	}
	return strings.Join(parts, "; ")
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
