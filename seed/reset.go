package seed

import (
	"context"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5"
)

// removeSteps delete, in foreign-key order, the rows that belong to the reserved range
// ($1..$2): its orders and what references them, its commissions and ledger rows, its rank
// history, unilevel reports and tree paths. The first three statements collect ids.
var removeSteps = []struct{ name, sql string }{
	{"collect orders", `INSERT INTO nnjs_reset_orders SELECT id FROM orders WHERE member_id BETWEEN $1 AND $2
ON CONFLICT DO NOTHING`},
	{"collect commissions", `INSERT INTO nnjs_reset_commissions SELECT id FROM commissions WHERE member_id BETWEEN $1 AND $2
   OR source_order_id IN (SELECT id FROM nnjs_reset_orders)
ON CONFLICT DO NOTHING`},
	{"collect ledger", `INSERT INTO nnjs_reset_ledger SELECT id FROM wallettransactions WHERE member_id BETWEEN $1 AND $2
   OR order_id IN (SELECT id FROM nnjs_reset_orders)
   OR commission_id IN (SELECT id FROM nnjs_reset_commissions)
ON CONFLICT DO NOTHING`},
	{"walletwithdrawals", `DELETE FROM walletwithdrawals WHERE member_id BETWEEN $1 AND $2
   OR wallet_transaction_id IN (SELECT id FROM nnjs_reset_ledger)`},
	{"wallettransactions", `DELETE FROM wallettransactions WHERE id IN (SELECT id FROM nnjs_reset_ledger)`},
	{"commissions", `DELETE FROM commissions WHERE id IN (SELECT id FROM nnjs_reset_commissions)`},
	// The reference payment API's idempotency keys reference orders; the table exists only
	// where that service ran.
	{"idempotency keys", `DO $$ BEGIN
  IF to_regclass('nnjs_idempotency_keys') IS NOT NULL THEN
    DELETE FROM nnjs_idempotency_keys WHERE order_id IN (SELECT id FROM nnjs_reset_orders);
  END IF;
END $$`},
	{"orderitems", `DELETE FROM orderitems WHERE order_id IN (SELECT id FROM nnjs_reset_orders)`},
	{"orders", `DELETE FROM orders WHERE id IN (SELECT id FROM nnjs_reset_orders)`},
	{"userrankhistory", `DELETE FROM userrankhistory WHERE member_id BETWEEN $1 AND $2`},
	{"unilevelreports", `DELETE FROM unilevelreports
WHERE user_id IN (SELECT id FROM users WHERE member_id BETWEEN $1 AND $2)`},
	{"usertreepath", `DELETE FROM usertreepath WHERE descendant_id BETWEEN $1 AND $2`},
}

// span is an inclusive member_id range.
type span struct{ first, last int64 }

// removeDependents runs removeSteps for each span and returns how many rows it deleted.
func removeDependents(ctx context.Context, tx pgx.Tx, spans ...span) (int64, error) {
	const ddl = `
CREATE TEMP TABLE nnjs_reset_orders (id integer PRIMARY KEY) ON COMMIT DROP;
CREATE TEMP TABLE nnjs_reset_commissions (id integer PRIMARY KEY) ON COMMIT DROP;
CREATE TEMP TABLE nnjs_reset_ledger (id integer PRIMARY KEY) ON COMMIT DROP`
	if _, err := tx.Exec(ctx, ddl); err != nil {
		return 0, fmt.Errorf("seed: reset: create id tables: %w", err)
	}
	var n int64
	for _, sp := range spans {
		for i, s := range removeSteps {
			var args []any
			if strings.Contains(s.sql, "$1") {
				args = []any{int32(sp.first), int32(sp.last)}
			}
			tag, err := tx.Exec(ctx, s.sql, args...)
			if err != nil {
				return n, fmt.Errorf("seed: reset: %s: %w", s.name, err)
			}
			if i >= 3 {
				n += tag.RowsAffected()
			}
		}
	}
	return n, nil
}

// restoreMembers writes the seeded values back into every column of the reserved users
// and wallets (updated_at goes back to created_at, as when seeded).
func restoreMembers(ctx context.Context, tx pgx.Tx) (int64, error) {
	steps := []struct {
		name string
		sql  string
		args []any
	}{
		{"users", `UPDATE users u SET supabase_user_id = NULL, first_name = $1, last_name = s.last_name,
    email_cache = s.email, country_cache = $2, status = $3::userstatus, sponsor_id = s.sponsor_id,
    referral_link = NULL, pv_cache = 0, vn_cache = 0, pvg_cache = 0, updated_at = u.created_at
FROM nnjs_seed_users s WHERE u.member_id = s.member_id`, []any{seedFirstName, seedCountry, seedStatus}},
		{"wallets", `UPDATE wallets w SET balance = s.balance, currency = $1, status = $2, updated_at = w.created_at
FROM nnjs_seed_wallets s WHERE w.member_id = s.member_id`, []any{seedCurrency, seedWallet}},
	}
	var n int64
	for _, s := range steps {
		tag, err := tx.Exec(ctx, s.sql, s.args...)
		if err != nil {
			return n, fmt.Errorf("seed: reset: restore %s: %w", s.name, err)
		}
		n += tag.RowsAffected()
	}
	return n, nil
}
