// The NNProtect wallet payment done directly in SQL (DOMAIN.md §2), statement for statement
// the effects of the reference implementation examples/paymentapi (payment.go, points.go,
// commission.go), so the integrity checks C01-C25 pass in correct mode.
//
// The statements take numbers only: bench/pgbench/payment.sql runs the same text with pgbench
// variables in place of $n. "now" is read once per payment, after the wallet lock (so a
// wallet's ledger rows are in created_at order), and carried as microseconds since the epoch:
// exact in JavaScript numbers and in pgbench variables.
//
//   createOrder(db, member, lines)   -> order id (autocommit, the caller's separate step)
//   pay(db, orderId, mode, retries[, hooks])  -> throws Refusal for a business refusal, SQLError else
//   payAndCount(db, member, lines, mode, retries, counters)  -> one payment, counted once

/** Number of lines of every order (two random products, quantity 1 or 2). */
export const LINES = 2;

/** now_us (bigint microseconds since the epoch, UTC wall clock) back to a timestamp. */
const at = (n) => `(timestamp 'epoch' + $${n}::bigint * interval '1 microsecond')`;

/** The currency of users.country_cache, as the app's country dictionary (else Mexico, MXN). */
const MARKET = `CASE coalesce(nullif(country_cache, ''), 'Mexico')
      WHEN 'USA' THEN 'USD' WHEN 'Colombia' THEN 'COP' ELSE 'MXN' END`;

/**
 * CREATE_ORDER($1 member, $2 product, $3 qty, $4 product, $5 qty): one pending_payment order
 * priced from the member's market columns, with its lines; returns order_id (NULL when the
 * member or a product does not exist).
 */
export const CREATE_ORDER = `WITH buyer AS (
    SELECT coalesce(nullif(country_cache, ''), 'Mexico') AS country, ${MARKET} AS currency
    FROM users WHERE member_id = $1::int
), req (line, product_id, qty) AS (VALUES (1, $2::int, $3::int), (2, $4::int, $5::int)
), priced AS (
    SELECT r.line, r.product_id, r.qty,
           CASE b.currency WHEN 'USD' THEN p.price_usa WHEN 'COP' THEN p.price_colombia ELSE p.price_mx END AS unit_price,
           CASE b.currency WHEN 'USD' THEN p.pv_usa WHEN 'COP' THEN p.pv_colombia ELSE p.pv_mx END AS unit_pv,
           CASE b.currency WHEN 'USD' THEN p.vn_usa WHEN 'COP' THEN p.vn_colombia ELSE p.vn_mx END AS unit_vn
    FROM req r JOIN products p ON p.id = r.product_id CROSS JOIN buyer b
), header AS (
    INSERT INTO orders (member_id, country, currency, subtotal, shipping_cost, tax, discount, total,
                        total_pv, total_vn, status, created_at, submitted_at)
    SELECT $1::int, b.country, b.currency, s.subtotal, 0, 0, 0, s.subtotal, s.pv, s.vn, 'pending_payment',
           now() AT TIME ZONE 'UTC', now() AT TIME ZONE 'UTC'
    FROM buyer b, (SELECT sum(qty * unit_price) AS subtotal, sum(qty * unit_pv) AS pv,
                          sum(qty * unit_vn) AS vn, count(*) AS n FROM priced) s
    WHERE s.n = ${LINES}
    RETURNING id
), items AS (
    INSERT INTO orderitems (order_id, product_id, quantity, unit_price, unit_pv, unit_vn, line_total, line_pv, line_vn)
    SELECT h.id, p.product_id, p.qty, p.unit_price, p.unit_pv, p.unit_vn,
           p.qty * p.unit_price, p.qty * p.unit_pv, p.qty * p.unit_vn
    FROM header h, priced p ORDER BY p.line
    RETURNING order_id
)
SELECT min(order_id) AS order_id FROM items`;

/** LOCK_ORDER($1 order): the order row, locked; pending = payable state. */
export const LOCK_ORDER = `SELECT member_id, status, total, total_pv, total_vn, currency,
       (status = 'pending_payment' AND payment_reference IS NULL)::int AS pending
FROM orders WHERE id = $1::int FOR UPDATE`;

/**
 * LOCK_WALLET($1 member, $2 order): the buyer's wallet, locked, and why it cannot pay the order
 * as a number (an index of WALLET_REFUSALS; 0 = it can), so pgbench can branch on it too.
 */
export const LOCK_WALLET = `SELECT w.balance, w.currency,
       CASE WHEN w.status <> 'ACTIVE' THEN 1 WHEN w.currency <> o.currency THEN 2
            WHEN w.balance < o.total THEN 3 ELSE 0 END AS refusal
FROM wallets w, orders o WHERE w.member_id = $1::int AND o.id = $2::int FOR UPDATE OF w`;

/** WALLET_REFUSALS names LOCK_WALLET's refusal numbers. */
export const WALLET_REFUSALS = ['', 'wallet_inactive', 'currency_mismatch', 'insufficient_balance'];

/** NOW_PERIOD: the clock (UTC wall clock) and the open period covering it minus 6 h (0 = none). */
export const NOW_PERIOD = `WITH c AS (SELECT clock_timestamp() AT TIME ZONE 'UTC' AS now)
SELECT (extract(epoch FROM c.now) * 1000000)::bigint AS now_us,
       coalesce((SELECT id FROM periods WHERE starts_on <= c.now - interval '6 hours'
                   AND ends_on >= c.now - interval '6 hours' AND closed_at IS NULL
                 ORDER BY starts_on DESC, id DESC LIMIT 1), 0) AS period_id
FROM c`;

/** DEBIT($1 member, $2 balance before, $3 total, $4 now_us). */
export const DEBIT = `UPDATE wallets SET balance = $2::float8 - $3::float8, updated_at = ${at(4)}
WHERE member_id = $1::int`;

/** LEDGER($1 member, $2 order, $3 balance before, $4 total, $5 now_us): the order_payment row. */
export const LEDGER = `INSERT INTO wallettransactions (transaction_uuid, member_id, transaction_type, status,
    amount, balance_before, balance_after, currency, order_id, description, created_at, completed_at)
SELECT gen_random_uuid()::text, $1::int, 'order_payment', 'completed', -$4::float8, $3::float8,
       $3::float8 - $4::float8, w.currency, $2::int, 'Pago de orden #' || $2::int, n.t, n.t
FROM wallets w, (SELECT ${at(5)} AS t) n WHERE w.member_id = $1::int`;

/** CONFIRM($1 order, $2 period, $3 now_us): paid in the period, with a wallet_<16 hex> reference. */
export const CONFIRM = `UPDATE orders SET status = 'payment_confirmed', payment_confirmed_at = ${at(3)},
    period_id = $2::int, payment_method = 'wallet',
    payment_reference = 'wallet_' || left(md5(gen_random_uuid()::text), 16)
WHERE id = $1::int`;

/**
 * LOCK_MEMBERS($1 buyer): the buyer and every ancestor, locked in ascending member_id (FOR NO
 * KEY UPDATE does not block the FK key-share checks), so payments cannot deadlock.
 */
export const LOCK_MEMBERS = `SELECT member_id FROM users
WHERE member_id = $1::int OR member_id IN (SELECT ancestor_id FROM usertreepath WHERE descendant_id = $1::int)
ORDER BY member_id FOR NO KEY UPDATE`;

/** ADD_BUYER_PV($1 buyer, $2 pv, $3 now_us): relative update, no increment lost. */
export const ADD_BUYER_PV = `UPDATE users SET pv_cache = pv_cache + $2::int, pvg_cache = pvg_cache + $2::int,
    updated_at = ${at(3)} WHERE member_id = $1::int`;

/** ADD_ANCESTORS_PVG($1 buyer, $2 pv, $3 now_us): every ancestor's pvg_cache, relative. */
export const ADD_ANCESTORS_PVG = `UPDATE users SET pvg_cache = pvg_cache + $2::int, updated_at = ${at(3)}
WHERE member_id <> $1::int
  AND member_id IN (SELECT ancestor_id FROM usertreepath WHERE descendant_id = $1::int AND depth > 0)`;

// The legacy PVUpdateService: unlocked reads, absolute writes, ancestors one by one.
/** LEGACY_READ_BUYER($1 buyer). */
export const LEGACY_READ_BUYER = 'SELECT pv_cache, pvg_cache FROM users WHERE member_id = $1::int';
/** LEGACY_WRITE_BUYER($1 buyer, $2 pv_cache, $3 pvg_cache, $4 now_us). */
export const LEGACY_WRITE_BUYER = `UPDATE users SET pv_cache = $2::int, pvg_cache = $3::int, updated_at = ${at(4)}
WHERE member_id = $1::int`;
/** LEGACY_ANCESTORS($1 buyer): unordered. */
export const LEGACY_ANCESTORS = 'SELECT ancestor_id FROM usertreepath WHERE descendant_id = $1::int AND depth > 0';
/** LEGACY_READ_PVG($1 member). */
export const LEGACY_READ_PVG = 'SELECT pvg_cache FROM users WHERE member_id = $1::int';
/** LEGACY_WRITE_PVG($1 member, $2 pvg_cache, $3 now_us). */
export const LEGACY_WRITE_PVG = `UPDATE users SET pvg_cache = $2::int, updated_at = ${at(3)} WHERE member_id = $1::int`;

/**
 * The receiver's currency (from its country_cache) and the rate from the order currency in
 * effect at $now (1 for the same currency). A missing rate is NULL, which the NOT NULL
 * exchange_rate column refuses (23502), so the payment fails as the reference's does.
 */
const rate = (receiver, now) => `CROSS JOIN LATERAL (
    SELECT d.currency, CASE WHEN d.currency = o.currency THEN 1::float8 ELSE (
        SELECT r.rate FROM exchangerates r WHERE r.from_currency = o.currency AND r.to_currency = d.currency
          AND r.effective_from <= ${now} AND (r.effective_until IS NULL OR r.effective_until >= ${now})
        ORDER BY r.effective_from DESC, r.id DESC LIMIT 1) END AS rate
    FROM (SELECT CASE coalesce(${receiver}.country_cache, '') WHEN 'USA' THEN 'USD'
                      WHEN 'Colombia' THEN 'COP' ELSE 'MXN' END AS currency) d
) x`;

const COMMISSION_COLUMNS = `INSERT INTO commissions (member_id, bonus_type, source_member_id, source_order_id,
    period_id, level_depth, amount_vn, currency_origin, amount_converted, currency_destination,
    exchange_rate, status, calculated_at)`;

/** DIRECT_BONUS($1 order, $2 period, $3 now_us): 25 % of total_vn to the buyer's sponsor. */
export const DIRECT_BONUS = `${COMMISSION_COLUMNS}
SELECT u.sponsor_id, 'bono_directo', o.member_id, o.id, $2::int, 1, 0.25 * o.total_vn, o.currency,
       0.25 * o.total_vn * x.rate, x.currency, x.rate, 'pending', ${at(3)}
FROM orders o JOIN users u ON u.member_id = o.member_id JOIN users s ON s.member_id = u.sponsor_id
${rate('s', at(3))}
WHERE o.id = $1::int AND o.total_vn > 0`;

/**
 * FAST_START($1 order, $2 period, $3 now_us): per kit line and upline member at depth 1..3,
 * 30 / 10 / 5 % of the line's PV, recorded as money.
 */
export const FAST_START = `${COMMISSION_COLUMNS}
SELECT t.ancestor_id, 'bono_rapido', o.member_id, o.id, $2::int, t.depth, f.amount, o.currency,
       f.amount * x.rate, x.currency, x.rate, 'pending', ${at(3)}
FROM orders o
JOIN orderitems i ON i.order_id = o.id
JOIN products p ON p.id = i.product_id AND p.presentation = 'kit'
JOIN usertreepath t ON t.descendant_id = o.member_id AND t.depth BETWEEN 1 AND 3
JOIN users a ON a.member_id = t.ancestor_id
CROSS JOIN LATERAL (SELECT CASE t.depth WHEN 1 THEN 0.30::float8 WHEN 2 THEN 0.10::float8
                                        ELSE 0.05::float8 END * i.line_pv AS amount) f
${rate('a', at(3))}
WHERE o.id = $1::int`;

/** Refusal is a business refusal (the transaction is rolled back, the order stays pending). */
export class Refusal extends Error {
  constructor(reason, message) {
    super(message || reason);
    this.name = 'Refusal';
    this.reason = reason;
  }
}

/** createOrder inserts a pending order of member with lines [[product, qty], [product, qty]]. */
export function createOrder(db, member, lines) {
  const row = db.queryRow(CREATE_ORDER, member, lines[0][0], lines[0][1], lines[1][0], lines[1][1],
    { name: 'create order' });
  if (!row || row.order_id === null) {
    throw new Refusal('order_not_created', `member ${member} or products ${lines} do not exist`);
  }
  return row.order_id;
}

/**
 * pay pays orderId in one transaction. mode 'correct' locks every member row in ascending
 * order and updates relatively (a deadlock or serialization failure is retried up to retries
 * times); 'legacy' reproduces PVUpdateService (never retried). In legacy mode,
 * hooks.afterAncestorRead(ancestorId), when given, runs between the unlocked read of an
 * ancestor's pvg_cache and its absolute write: the window of the lost update, where
 * lost-update.js commits another payment to show it deterministically.
 * hooks.orderAncestors(ids), when given, returns the order in which the ancestors are
 * written (instead of a random one), and hooks.afterAncestorWrite(ancestorId, index, tx) runs
 * after each write: defects.js uses them to provoke the legacy deadlock on purpose.
 */
export function pay(db, orderId, mode, retries, hooks) {
  return db.tx((tx) => payOnce(tx, orderId, mode, hooks || {}), {
    name: `pay ${mode}`,
    retries: mode === 'legacy' ? 0 : retries,
  });
}

function payOnce(tx, orderId, mode, hooks) {
  const o = tx.queryRow(LOCK_ORDER, orderId, { name: 'lock order' });
  if (!o) throw new Refusal('order_not_found', `order ${orderId}`);
  if (!o.pending) throw new Refusal('wrong_state', `order ${orderId} is ${o.status}`);
  const w = tx.queryRow(LOCK_WALLET, o.member_id, orderId, { name: 'lock wallet' });
  if (!w) throw new Refusal('wallet_not_found', `member ${o.member_id}`);
  if (w.refusal) {
    throw new Refusal(WALLET_REFUSALS[w.refusal], `order ${orderId}: balance ${w.balance}, total ${o.total}`);
  }
  const c = tx.queryRow(NOW_PERIOD, { name: 'now and period' });
  if (!c.period_id) throw new Refusal('no_open_period');
  tx.exec(DEBIT, o.member_id, w.balance, o.total, c.now_us, { name: 'debit wallet' });
  tx.exec(LEDGER, o.member_id, orderId, w.balance, o.total, c.now_us, { name: 'ledger row' });
  tx.exec(CONFIRM, orderId, c.period_id, c.now_us, { name: 'confirm order' });
  if (o.total_pv !== 0) {
    if (mode === 'legacy') {
      legacyAddPoints(tx, o.member_id, o.total_pv, c.now_us, hooks);
    } else {
      tx.exec(LOCK_MEMBERS, o.member_id, { name: 'lock members' });
      tx.exec(ADD_BUYER_PV, o.member_id, o.total_pv, c.now_us, { name: 'buyer pv' });
      tx.exec(ADD_ANCESTORS_PVG, o.member_id, o.total_pv, c.now_us, { name: 'ancestors pvg' });
    }
  }
  tx.exec(DIRECT_BONUS, orderId, c.period_id, c.now_us, { name: 'direct bonus' });
  tx.exec(FAST_START, orderId, c.period_id, c.now_us, { name: 'fast start bonus' });
}

// legacyAddPoints: the buyer is read without a lock and written as absolute values (its row is
// locked first), then the ancestors, in an unspecified order (a random permutation), each read
// without a lock and written as old + pv: lost updates and deadlocks under contention.
function legacyAddPoints(tx, buyer, pv, nowUs, hooks) {
  const b = tx.queryRow(LEGACY_READ_BUYER, buyer, { name: 'legacy read buyer' });
  tx.exec(LEGACY_WRITE_BUYER, buyer, b.pv_cache + pv, b.pvg_cache + pv, nowUs, { name: 'legacy write buyer' });
  let ancestors = tx.query(LEGACY_ANCESTORS, buyer, { name: 'legacy ancestors' }).map((r) => r.ancestor_id);
  if (hooks.orderAncestors) {
    ancestors = hooks.orderAncestors(ancestors);
  } else {
    shuffle(ancestors);
  }
  ancestors.forEach((a, i) => {
    const r = tx.queryRow(LEGACY_READ_PVG, a, { name: 'legacy read ancestor' });
    if (hooks.afterAncestorRead) {
      hooks.afterAncestorRead(a);
    }
    tx.exec(LEGACY_WRITE_PVG, a, r.pvg_cache + pv, nowUs, { name: 'legacy write ancestor' });
    if (hooks.afterAncestorWrite) {
      hooks.afterAncestorWrite(a, i, tx);
    }
  });
}

function shuffle(xs) {
  for (let i = xs.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [xs[i], xs[j]] = [xs[j], xs[i]];
  }
}

/**
 * payAndCount makes one payment of member for lines and counts it once (README
 * "Reconciliation"): counters.started before its first statement, then counters.ok,
 * counters.refused{reason} or counters.failed{stage,code} by what the database answered.
 * hooks go to pay. It returns the outcome: 'ok', 'refused', 'failed' or 'unknown'.
 */
export function payAndCount(db, member, lines, mode, retries, counters, hooks) {
  counters.started.add(1);
  let orderId;
  try {
    orderId = createOrder(db, member, lines);
  } catch (e) {
    return countFailure(e, 'create', counters);
  }
  try {
    pay(db, orderId, mode, retries, hooks);
  } catch (e) {
    if (e instanceof Refusal) {
      counters.refused.add(1, { reason: e.reason });
      return 'refused';
    }
    return countFailure(e, 'pay', counters);
  }
  counters.ok.add(1);
  return 'ok';
}

/**
 * countFailure counts a payment the database answered with an error (a SQLSTATE such as 40P01,
 * or an order it could not create). An error without an answer (code 'canceled' when the run
 * stopped, 'client' for a lost connection) is not a failure: the outcome is unknown.
 */
function countFailure(e, stage, counters) {
  if (e instanceof Refusal) {
    counters.failed.add(1, { stage, code: e.reason }); // no order was created
  } else if (/^[0-9A-Z]{5}$/.test(e.code || '')) {
    counters.failed.add(1, { stage, code: e.code });
  } else if (!e.code) {
    throw e;
  } else {
    return 'unknown';
  }
  return 'failed';
}

/** randomMember picks a member of [first, first+count): from the hot set with probability hotShare. */
export function randomMember(first, count, hot, hotShare) {
  const n = Math.random() < hotShare ? hot : count;
  return first + Math.floor(Math.random() * n);
}

/** randomLines returns LINES [product, quantity] pairs of the products, quantity 1 or 2. */
export function randomLines(products) {
  const lines = [];
  for (let i = 0; i < LINES; i++) {
    lines.push([products[Math.floor(Math.random() * products.length)], 1 + Math.floor(Math.random() * 2)]);
  }
  return lines;
}

/**
 * lostUpdate provokes the legacy PVG lost update on purpose (see lost-update.js): members
 * first+1 and first+2, both sponsored by first, each pay an order (product 1, a kit, and 4);
 * the second payment commits between the first one's unlocked read of first's pvg_cache and
 * its absolute write, so first loses the second order's PV and C19 fails on it. Nothing else
 * may write those members meanwhile. It counts both payments in counters.started and .ok.
 */
export function lostUpdate(db, first, counters) {
  const lines = [[1, 1], [4, 1]];
  counters.started.add(2);
  const one = createOrder(db, first + 1, lines);
  const two = createOrder(db, first + 2, lines);
  let interleaved = false;
  pay(db, one, 'legacy', 0, {
    afterAncestorRead() {
      if (interleaved) {
        return;
      }
      interleaved = true;
      pay(db, two, 'legacy', 0); // commits while the first payment holds a stale read
      counters.ok.add(1);
    },
  });
  counters.ok.add(1);
}
