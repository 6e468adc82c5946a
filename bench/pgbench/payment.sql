-- The correct NNProtect wallet payment of examples/db-payment (MODE=correct) as a pgbench
-- script: the same statements as examples/db-payment/lib.js, with pgbench variables in place of
-- $n (keep the two in step). One pgbench transaction = one order created (autocommit) and paid
-- (BEGIN ... COMMIT), like one iteration of payment.js. Run by bench/pgbench/run.sh on a
-- database seeded by nnjs seed --tree kary --fanout 3 (members 80000-80199, products 1-8).
--
-- Buyers: half from the 13 members at the top of the tree (root, children, grandchildren),
-- half from the whole range, as payment.js does with its defaults.
\set hot random(0, 99)
\if :hot < 50
\set member 80000 + random(0, 12)
\else
\set member random(80000, 80199)
\endif
\set p1 random(1, 8)
\set q1 random(1, 2)
\set p2 random(1, 8)
\set q2 random(1, 2)

-- createOrder
WITH buyer AS (
    SELECT coalesce(nullif(country_cache, ''), 'Mexico') AS country, CASE coalesce(nullif(country_cache, ''), 'Mexico')
      WHEN 'USA' THEN 'USD' WHEN 'Colombia' THEN 'COP' ELSE 'MXN' END AS currency
    FROM users WHERE member_id = :member::int
), req (line, product_id, qty) AS (VALUES (1, :p1::int, :q1::int), (2, :p2::int, :q2::int)
), priced AS (
    SELECT r.line, r.product_id, r.qty,
           CASE b.currency WHEN 'USD' THEN p.price_usa WHEN 'COP' THEN p.price_colombia ELSE p.price_mx END AS unit_price,
           CASE b.currency WHEN 'USD' THEN p.pv_usa WHEN 'COP' THEN p.pv_colombia ELSE p.pv_mx END AS unit_pv,
           CASE b.currency WHEN 'USD' THEN p.vn_usa WHEN 'COP' THEN p.vn_colombia ELSE p.vn_mx END AS unit_vn
    FROM req r JOIN products p ON p.id = r.product_id CROSS JOIN buyer b
), header AS (
    INSERT INTO orders (member_id, country, currency, subtotal, shipping_cost, tax, discount, total,
                        total_pv, total_vn, status, created_at, submitted_at)
    SELECT :member::int, b.country, b.currency, s.subtotal, 0, 0, 0, s.subtotal, s.pv, s.vn, 'pending_payment',
           now() AT TIME ZONE 'UTC', now() AT TIME ZONE 'UTC'
    FROM buyer b, (SELECT sum(qty * unit_price) AS subtotal, sum(qty * unit_pv) AS pv,
                          sum(qty * unit_vn) AS vn, count(*) AS n FROM priced) s
    WHERE s.n = 2
    RETURNING id
), items AS (
    INSERT INTO orderitems (order_id, product_id, quantity, unit_price, unit_pv, unit_vn, line_total, line_pv, line_vn)
    SELECT h.id, p.product_id, p.qty, p.unit_price, p.unit_pv, p.unit_vn,
           p.qty * p.unit_price, p.qty * p.unit_pv, p.qty * p.unit_vn
    FROM header h, priced p ORDER BY p.line
    RETURNING order_id
)
SELECT min(order_id) AS order_id FROM items \gset

-- pay
BEGIN;
SELECT member_id, status, total, total_pv, total_vn, currency,
       (status = 'pending_payment' AND payment_reference IS NULL)::int AS pending
FROM orders WHERE id = :order_id::int FOR UPDATE \gset
\if :pending
SELECT w.balance, w.currency,
       CASE WHEN w.status <> 'ACTIVE' THEN 1 WHEN w.currency <> o.currency THEN 2
            WHEN w.balance < o.total THEN 3 ELSE 0 END AS refusal
FROM wallets w, orders o WHERE w.member_id = :member_id::int AND o.id = :order_id::int FOR UPDATE OF w \gset
\if :refusal = 0
WITH c AS (SELECT clock_timestamp() AT TIME ZONE 'UTC' AS now)
SELECT (extract(epoch FROM c.now) * 1000000)::bigint AS now_us,
       coalesce((SELECT id FROM periods WHERE starts_on <= c.now - interval '6 hours'
                   AND ends_on >= c.now - interval '6 hours' AND closed_at IS NULL
                 ORDER BY starts_on DESC, id DESC LIMIT 1), 0) AS period_id
FROM c \gset
\if :period_id > 0
UPDATE wallets SET balance = :balance::float8 - :total::float8, updated_at = (timestamp 'epoch' + :now_us::bigint * interval '1 microsecond')
WHERE member_id = :member_id::int;
INSERT INTO wallettransactions (transaction_uuid, member_id, transaction_type, status,
    amount, balance_before, balance_after, currency, order_id, description, created_at, completed_at)
SELECT gen_random_uuid()::text, :member_id::int, 'order_payment', 'completed', -:total::float8, :balance::float8,
       :balance::float8 - :total::float8, w.currency, :order_id::int, 'Pago de orden #' || :order_id::int, n.t, n.t
FROM wallets w, (SELECT (timestamp 'epoch' + :now_us::bigint * interval '1 microsecond') AS t) n WHERE w.member_id = :member_id::int;
UPDATE orders SET status = 'payment_confirmed', payment_confirmed_at = (timestamp 'epoch' + :now_us::bigint * interval '1 microsecond'),
    period_id = :period_id::int, payment_method = 'wallet',
    payment_reference = 'wallet_' || left(md5(gen_random_uuid()::text), 16)
WHERE id = :order_id::int;
\if :total_pv != 0
SELECT member_id FROM users
WHERE member_id = :member_id::int OR member_id IN (SELECT ancestor_id FROM usertreepath WHERE descendant_id = :member_id::int)
ORDER BY member_id FOR NO KEY UPDATE;
UPDATE users SET pv_cache = pv_cache + :total_pv::int, pvg_cache = pvg_cache + :total_pv::int,
    updated_at = (timestamp 'epoch' + :now_us::bigint * interval '1 microsecond') WHERE member_id = :member_id::int;
UPDATE users SET pvg_cache = pvg_cache + :total_pv::int, updated_at = (timestamp 'epoch' + :now_us::bigint * interval '1 microsecond')
WHERE member_id <> :member_id::int
  AND member_id IN (SELECT ancestor_id FROM usertreepath WHERE descendant_id = :member_id::int AND depth > 0);
\endif
INSERT INTO commissions (member_id, bonus_type, source_member_id, source_order_id,
    period_id, level_depth, amount_vn, currency_origin, amount_converted, currency_destination,
    exchange_rate, status, calculated_at)
SELECT u.sponsor_id, 'bono_directo', o.member_id, o.id, :period_id::int, 1, 0.25 * o.total_vn, o.currency,
       0.25 * o.total_vn * x.rate, x.currency, x.rate, 'pending', (timestamp 'epoch' + :now_us::bigint * interval '1 microsecond')
FROM orders o JOIN users u ON u.member_id = o.member_id JOIN users s ON s.member_id = u.sponsor_id
CROSS JOIN LATERAL (
    SELECT d.currency, CASE WHEN d.currency = o.currency THEN 1::float8 ELSE (
        SELECT r.rate FROM exchangerates r WHERE r.from_currency = o.currency AND r.to_currency = d.currency
          AND r.effective_from <= (timestamp 'epoch' + :now_us::bigint * interval '1 microsecond') AND (r.effective_until IS NULL OR r.effective_until >= (timestamp 'epoch' + :now_us::bigint * interval '1 microsecond'))
        ORDER BY r.effective_from DESC, r.id DESC LIMIT 1) END AS rate
    FROM (SELECT CASE coalesce(s.country_cache, '') WHEN 'USA' THEN 'USD'
                      WHEN 'Colombia' THEN 'COP' ELSE 'MXN' END AS currency) d
) x
WHERE o.id = :order_id::int AND o.total_vn > 0;
INSERT INTO commissions (member_id, bonus_type, source_member_id, source_order_id,
    period_id, level_depth, amount_vn, currency_origin, amount_converted, currency_destination,
    exchange_rate, status, calculated_at)
SELECT t.ancestor_id, 'bono_rapido', o.member_id, o.id, :period_id::int, t.depth, f.amount, o.currency,
       f.amount * x.rate, x.currency, x.rate, 'pending', (timestamp 'epoch' + :now_us::bigint * interval '1 microsecond')
FROM orders o
JOIN orderitems i ON i.order_id = o.id
JOIN products p ON p.id = i.product_id AND p.presentation = 'kit'
JOIN usertreepath t ON t.descendant_id = o.member_id AND t.depth BETWEEN 1 AND 3
JOIN users a ON a.member_id = t.ancestor_id
CROSS JOIN LATERAL (SELECT CASE t.depth WHEN 1 THEN 0.30::float8 WHEN 2 THEN 0.10::float8
                                        ELSE 0.05::float8 END * i.line_pv AS amount) f
CROSS JOIN LATERAL (
    SELECT d.currency, CASE WHEN d.currency = o.currency THEN 1::float8 ELSE (
        SELECT r.rate FROM exchangerates r WHERE r.from_currency = o.currency AND r.to_currency = d.currency
          AND r.effective_from <= (timestamp 'epoch' + :now_us::bigint * interval '1 microsecond') AND (r.effective_until IS NULL OR r.effective_until >= (timestamp 'epoch' + :now_us::bigint * interval '1 microsecond'))
        ORDER BY r.effective_from DESC, r.id DESC LIMIT 1) END AS rate
    FROM (SELECT CASE coalesce(a.country_cache, '') WHEN 'USA' THEN 'USD'
                      WHEN 'Colombia' THEN 'COP' ELSE 'MXN' END AS currency) d
) x
WHERE o.id = :order_id::int;
COMMIT;
\else
ROLLBACK;
\endif
\else
ROLLBACK;
\endif
\else
ROLLBACK;
\endif
