-- nnjs staging schema: the NNProtect tables that the wallet-payment flow touches, with the
-- real table, column, type, constraint and index names (translated from the SQLModel models
-- and Alembic migrations of the public back-office repositories; see
-- shared/nnprotect/schema.sql for the provenance). nnjs therefore works unchanged against a
-- real NNProtect database.
--
-- Every statement is idempotent (IF NOT EXISTS, duplicate_object ignored), so applying the
-- script to a database that already has the tables changes nothing. Money is double
-- precision and NOT NULL columns have no server defaults, exactly as in the real schema: a
-- seeder must supply every column.
--
-- The script runs as one simple-protocol batch (one implicit transaction); the advisory lock
-- serialises concurrent appliers.
SELECT pg_advisory_xact_lock(7364110537);

-- Enum used by users.status (SQLAlchemy stores the member NAMES).
DO $$ BEGIN
    CREATE TYPE userstatus AS ENUM ('NO_QUALIFIED', 'QUALIFIED', 'SUSPENDED');
EXCEPTION WHEN duplicate_object THEN NULL;
END $$;

-- -----------------------------------------------------------------------------
-- addresses: only present because orders.shipping_address_id references it.
-- -----------------------------------------------------------------------------
CREATE TABLE IF NOT EXISTS addresses (
    id            serial        PRIMARY KEY,
    street        varchar       NOT NULL,
    neighborhood  varchar       NOT NULL,
    city          varchar       NOT NULL,
    state         varchar       NOT NULL,
    country       varchar(50)   NOT NULL,
    zip_code      varchar       NOT NULL
);

-- -----------------------------------------------------------------------------
-- periods: monthly commission periods. The "current" period is looked up by
-- starts_on <= (UTC now - 6h) <= ends_on [AND closed_at IS NULL in
-- PeriodService only; RankService/CommissionService omit that filter].
-- -----------------------------------------------------------------------------
CREATE TABLE IF NOT EXISTS periods (
    id           serial        PRIMARY KEY,
    name         varchar       NOT NULL,
    description  varchar(255),
    starts_on    timestamp     NOT NULL DEFAULT now(),
    ends_on      timestamp     NOT NULL DEFAULT now(),
    closed_at    timestamp
);
CREATE UNIQUE INDEX IF NOT EXISTS ix_periods_name ON periods (name);

-- -----------------------------------------------------------------------------
-- ranks: rank ladder. id order matters to the code (rank_id >= 6 means
-- "ambassador"; id 1 is the default "Sin rango").
-- -----------------------------------------------------------------------------
CREATE TABLE IF NOT EXISTS ranks (
    id            serial    PRIMARY KEY,
    name          varchar   NOT NULL,
    pv_required   integer   NOT NULL,
    pvg_required  integer   NOT NULL,
    min_pvg       integer
);
CREATE UNIQUE INDEX IF NOT EXISTS ix_ranks_name    ON ranks (name);
CREATE INDEX IF NOT EXISTS        ix_ranks_min_pvg ON ranks (min_pvg);

-- -----------------------------------------------------------------------------
-- products: catalogue, per-country price / PV / VN columns.
-- [A] declares every price/vn column and active_ingredient/quantity NOT NULL.
-- [B] has the same columns but price/vn/public_* and active_ingredient/quantity
-- are NULL-able; [C] has neither active_ingredient nor quantity.
-- presentation = 'kit' is what triggers the fast-start bonus.
-- Note the mixed-case column "SKU" (SQLAlchemy quotes it).
-- -----------------------------------------------------------------------------
CREATE TABLE IF NOT EXISTS products (
    id                 serial            PRIMARY KEY,
    product_name       varchar(255)      NOT NULL,
    active_ingredient  varchar(255)      NOT NULL,
    "SKU"              varchar(100),
    description        varchar(500),
    presentation       varchar(50)       NOT NULL,   -- kit | líquido | cápsulas | skincare
    type               varchar(50)       NOT NULL,   -- suplemento | skincare | desinfección
    quantity           varchar           NOT NULL,
    pv_mx              integer           NOT NULL,
    pv_usa             integer           NOT NULL,
    pv_colombia        integer           NOT NULL,
    vn_mx              double precision  NOT NULL,
    vn_usa             double precision  NOT NULL,
    vn_colombia        double precision  NOT NULL,
    price_mx           double precision  NOT NULL,
    price_usa          double precision  NOT NULL,
    price_colombia     double precision  NOT NULL,
    public_mx          double precision  NOT NULL,
    public_usa         double precision  NOT NULL,
    public_colombia    double precision  NOT NULL,
    is_new             boolean           NOT NULL
);
CREATE INDEX IF NOT EXISTS "ix_products_SKU"        ON products ("SKU");
CREATE INDEX IF NOT EXISTS ix_products_is_new       ON products (is_new);
CREATE INDEX IF NOT EXISTS ix_products_presentation ON products (presentation);
CREATE INDEX IF NOT EXISTS ix_products_type         ON products (type);

-- -----------------------------------------------------------------------------
-- users: one row per distributor. member_id is the business key that every
-- other table references (NOT users.id, except unilevelreports).
-- sponsor_id -> users.member_id is the direct sponsor (used by the 25% direct
-- bonus). The full upline lives in usertreepath.
-- pv_cache / pvg_cache / vn_cache are denormalised running totals that the
-- payment updates with read-modify-write (absolute values written by the app).
-- vn_cache exists in [A]/[B] only and is NOT touched by the payment path.
-- -----------------------------------------------------------------------------
CREATE TABLE IF NOT EXISTS users (
    id                serial            PRIMARY KEY,
    supabase_user_id  varchar,
    member_id         integer           NOT NULL,
    first_name        varchar           NOT NULL,
    last_name         varchar           NOT NULL,
    email_cache       varchar,
    country_cache     varchar(50),        -- 'Mexico' | 'USA' | 'Colombia' (load test writes 'MX')
    status            userstatus        NOT NULL,
    sponsor_id        integer           REFERENCES users (member_id),
    referral_link     varchar,
    pv_cache          integer           NOT NULL,
    vn_cache          double precision  NOT NULL,
    pvg_cache         integer           NOT NULL,
    created_at        timestamp         NOT NULL DEFAULT now(),
    updated_at        timestamp         NOT NULL DEFAULT now(),
    CONSTRAINT uq_users_member_id UNIQUE (member_id)
);
CREATE UNIQUE INDEX IF NOT EXISTS ix_users_member_id        ON users (member_id);
CREATE UNIQUE INDEX IF NOT EXISTS ix_users_referral_link    ON users (referral_link);
CREATE UNIQUE INDEX IF NOT EXISTS ix_users_supabase_user_id ON users (supabase_user_id);
CREATE INDEX IF NOT EXISTS ix_users_country_cache ON users (country_cache);
CREATE INDEX IF NOT EXISTS ix_users_email_cache   ON users (email_cache);
CREATE INDEX IF NOT EXISTS ix_users_first_name    ON users (first_name);
CREATE INDEX IF NOT EXISTS ix_users_last_name     ON users (last_name);
CREATE INDEX IF NOT EXISTS ix_users_pv_cache      ON users (pv_cache);
CREATE INDEX IF NOT EXISTS ix_users_pvg_cache     ON users (pvg_cache);
CREATE INDEX IF NOT EXISTS ix_users_vn_cache      ON users (vn_cache);

-- -----------------------------------------------------------------------------
-- exchangerates: company-fixed FX rates, read only when buyer and sponsor
-- currencies differ. No uniqueness on (from, to, effective_from).
-- -----------------------------------------------------------------------------
CREATE TABLE IF NOT EXISTS exchangerates (
    id              serial            PRIMARY KEY,
    from_currency   varchar(10)       NOT NULL,
    to_currency     varchar(10)       NOT NULL,
    rate            double precision  NOT NULL,
    effective_from  timestamp         NOT NULL,
    effective_until timestamp,
    created_at      timestamp         NOT NULL DEFAULT now(),
    notes           varchar(255)
);
CREATE INDEX IF NOT EXISTS ix_exchangerates_from_currency ON exchangerates (from_currency);
CREATE INDEX IF NOT EXISTS ix_exchangerates_to_currency   ON exchangerates (to_currency);

-- -----------------------------------------------------------------------------
-- usertreepath: closure table of the genealogy (one row per ancestor/descendant
-- pair, depth 0 = self). The payment reads it for the PVG cascade, fast-start
-- upline (depth 1..3), unilevel and matching. sponsor_id column exists in [A]/[B]
-- only and is not used by the payment.
-- -----------------------------------------------------------------------------
CREATE TABLE IF NOT EXISTS usertreepath (
    sponsor_id     integer  REFERENCES users (member_id),
    ancestor_id    integer  NOT NULL REFERENCES users (member_id),
    descendant_id  integer  NOT NULL REFERENCES users (member_id),
    depth          integer  NOT NULL,
    PRIMARY KEY (ancestor_id, descendant_id, depth)
);
CREATE INDEX IF NOT EXISTS ix_usertreepath_ancestor_id   ON usertreepath (ancestor_id);
CREATE INDEX IF NOT EXISTS ix_usertreepath_descendant_id ON usertreepath (descendant_id);
CREATE INDEX IF NOT EXISTS ix_usertreepath_sponsor_id    ON usertreepath (sponsor_id);

-- -----------------------------------------------------------------------------
-- userrankhistory: append-only rank log. The buyer's rank check may INSERT here
-- during a payment. No uniqueness on (member_id, rank_id) or
-- (member_id, period_id). rank_id is NOT NULL in [A], NULL-able in [B]/[C].
-- -----------------------------------------------------------------------------
CREATE TABLE IF NOT EXISTS userrankhistory (
    id           serial     PRIMARY KEY,
    member_id    integer    NOT NULL REFERENCES users (member_id),
    rank_id      integer    NOT NULL REFERENCES ranks (id),
    achieved_on  timestamp  NOT NULL DEFAULT now(),
    period_id    integer    REFERENCES periods (id)
);
CREATE INDEX IF NOT EXISTS ix_userrankhistory_member_id ON userrankhistory (member_id);
CREATE INDEX IF NOT EXISTS ix_userrankhistory_period_id ON userrankhistory (period_id);
CREATE INDEX IF NOT EXISTS ix_userrankhistory_rank_id   ON userrankhistory (rank_id);

-- -----------------------------------------------------------------------------
-- orders: one purchase. status is a varchar holding OrderStatus values:
--   draft | pending_payment | payment_confirmed | processing | shipped |
--   delivered | cancelled | refunded
-- payment_reference is the "idempotency" marker: NULL until the wallet payment
-- stamps 'wallet_' || 16 hex chars (uuid4) on it; unique index below.
-- total = the amount debited from the wallet; total_pv drives the PV cascade,
-- total_vn drives the commissions. currency is the ORDER's currency (the code
-- never compares it with wallets.currency).
-- -----------------------------------------------------------------------------
CREATE TABLE IF NOT EXISTS orders (
    id                    serial            PRIMARY KEY,
    member_id             integer           NOT NULL REFERENCES users (member_id),
    country               varchar(50)       NOT NULL,
    currency              varchar(10)       NOT NULL,
    subtotal              double precision  NOT NULL,
    shipping_cost         double precision  NOT NULL,
    tax                   double precision  NOT NULL,
    discount              double precision  NOT NULL,
    total                 double precision  NOT NULL,
    total_pv              integer           NOT NULL,
    total_vn              double precision  NOT NULL,
    status                varchar           NOT NULL,
    shipping_address_id   integer           REFERENCES addresses (id),
    created_at            timestamp         NOT NULL DEFAULT now(),
    submitted_at          timestamp,
    payment_confirmed_at  timestamp,
    shipped_at            timestamp,
    delivered_at          timestamp,
    period_id             integer           REFERENCES periods (id),
    payment_method        varchar(50),
    payment_reference     varchar,
    customer_notes        varchar(500),
    admin_notes           varchar(500)
);
CREATE UNIQUE INDEX IF NOT EXISTS ix_orders_payment_reference    ON orders (payment_reference);
CREATE INDEX IF NOT EXISTS        ix_orders_country              ON orders (country);
CREATE INDEX IF NOT EXISTS        ix_orders_member_id            ON orders (member_id);
CREATE INDEX IF NOT EXISTS        ix_orders_payment_confirmed_at ON orders (payment_confirmed_at);
CREATE INDEX IF NOT EXISTS        ix_orders_period_id            ON orders (period_id);
CREATE INDEX IF NOT EXISTS        ix_orders_status               ON orders (status);

-- -----------------------------------------------------------------------------
-- orderitems: lines of an order, prices/PV/VN frozen at add-to-cart time.
-- line_* = quantity * unit_* (computed in the app, not enforced).
-- -----------------------------------------------------------------------------
CREATE TABLE IF NOT EXISTS orderitems (
    id          serial            PRIMARY KEY,
    order_id    integer           NOT NULL REFERENCES orders (id),
    product_id  integer           NOT NULL REFERENCES products (id),
    quantity    integer           NOT NULL,
    unit_price  double precision  NOT NULL,
    unit_pv     integer           NOT NULL,
    unit_vn     double precision  NOT NULL,
    line_total  double precision  NOT NULL,
    line_pv     integer           NOT NULL,
    line_vn     double precision  NOT NULL
);
CREATE INDEX IF NOT EXISTS ix_orderitems_order_id   ON orderitems (order_id);
CREATE INDEX IF NOT EXISTS ix_orderitems_product_id ON orderitems (product_id);

-- -----------------------------------------------------------------------------
-- commissions: one row per bonus earned by an upline member. Created with
-- status 'pending' during the payment; later paid into the wallet in a batch
-- (status 'paid' + a 'commission_deposit' ledger row).
--   bonus_type: bono_directo (added 2025-10-02 in b9fcd66) | bono_rapido |
--     bono_uninivel | bono_matching | bono_alcance | bono_automovil |
--     bono_travels | bono_cashback | bono_lealtad
--   status: pending | paid | cancelled
-- period_id is NOT NULL: a commission insert fails when no period is current.
-- No uniqueness at all (a duplicate bonus for the same order is not prevented).
-- -----------------------------------------------------------------------------
CREATE TABLE IF NOT EXISTS commissions (
    id                    serial            PRIMARY KEY,
    member_id             integer           NOT NULL REFERENCES users (member_id),
    bonus_type            varchar(50)       NOT NULL,
    source_member_id      integer           REFERENCES users (member_id),
    source_order_id       integer           REFERENCES orders (id),
    period_id             integer           NOT NULL REFERENCES periods (id),
    level_depth           integer,
    amount_vn             double precision  NOT NULL,
    currency_origin       varchar(10)       NOT NULL,
    amount_converted      double precision  NOT NULL,
    currency_destination  varchar(10)       NOT NULL,
    exchange_rate         double precision  NOT NULL,
    status                varchar           NOT NULL,
    calculated_at         timestamp         NOT NULL DEFAULT now(),
    paid_at               timestamp,
    notes                 varchar(500)
);
CREATE INDEX IF NOT EXISTS ix_commissions_bonus_type       ON commissions (bonus_type);
CREATE INDEX IF NOT EXISTS ix_commissions_member_id        ON commissions (member_id);
CREATE INDEX IF NOT EXISTS ix_commissions_period_id        ON commissions (period_id);
CREATE INDEX IF NOT EXISTS ix_commissions_source_member_id ON commissions (source_member_id);
CREATE INDEX IF NOT EXISTS ix_commissions_source_order_id  ON commissions (source_order_id);
CREATE INDEX IF NOT EXISTS ix_commissions_status           ON commissions (status);

-- -----------------------------------------------------------------------------
-- wallets: one wallet per member (unique index on member_id), balance in the
-- wallet's own currency. status: ACTIVE | SUSPENDED | CLOSED (upper case).
-- The only DB-level money guard in the whole schema is the CHECK below.
-- -----------------------------------------------------------------------------
CREATE TABLE IF NOT EXISTS wallets (
    id          serial            PRIMARY KEY,
    member_id   integer           NOT NULL REFERENCES users (member_id),
    balance     double precision  NOT NULL,
    currency    varchar(10)       NOT NULL,   -- MXN | USD | COP | DOP
    status      varchar(20)       NOT NULL,
    created_at  timestamp         NOT NULL DEFAULT now(),
    updated_at  timestamp         NOT NULL DEFAULT now(),
    CONSTRAINT balance_non_negative CHECK (balance >= 0)
);
CREATE UNIQUE INDEX IF NOT EXISTS ix_wallets_member_id ON wallets (member_id);
CREATE INDEX IF NOT EXISTS idx_wallet_member  ON wallets (member_id);
CREATE INDEX IF NOT EXISTS idx_wallet_status  ON wallets (status);
CREATE INDEX IF NOT EXISTS ix_wallets_status  ON wallets (status);

-- -----------------------------------------------------------------------------
-- wallettransactions: the ledger ("immutable" by convention only).
-- Sign convention: amount > 0 credit, amount < 0 debit; balance_before and
-- balance_after are snapshots written by the app. transaction_uuid is a random
-- uuid4 per row (unique) - it is NOT derived from the order, so it does not
-- deduplicate retries. Nothing enforces one order_payment row per order.
--   transaction_type: commission_deposit | transfer_in | refund |
--     adjustment_credit | order_payment | transfer_out | withdrawal_request |
--     withdrawal_completed | withdrawal_rejected | adjustment_debit
--   status: pending | completed | failed | cancelled (lower case)
-- -----------------------------------------------------------------------------
CREATE TABLE IF NOT EXISTS wallettransactions (
    id                       serial            PRIMARY KEY,
    transaction_uuid         varchar           NOT NULL,
    member_id                integer           NOT NULL REFERENCES users (member_id),
    transaction_type         varchar(50)       NOT NULL,
    status                   varchar(20)       NOT NULL,
    amount                   double precision  NOT NULL,
    balance_before           double precision  NOT NULL,
    balance_after            double precision  NOT NULL,
    currency                 varchar(10)       NOT NULL,
    commission_id            integer           REFERENCES commissions (id),
    order_id                 integer           REFERENCES orders (id),
    transfer_to_member_id    integer           REFERENCES users (member_id),
    transfer_from_member_id  integer           REFERENCES users (member_id),
    description              varchar(500)      NOT NULL,
    notes                    varchar(500),
    metadata_json            varchar,
    created_at               timestamp         NOT NULL DEFAULT now(),
    completed_at             timestamp
);
CREATE UNIQUE INDEX IF NOT EXISTS ix_wallettransactions_transaction_uuid ON wallettransactions (transaction_uuid);
CREATE INDEX IF NOT EXISTS idx_wt_commission      ON wallettransactions (commission_id);
CREATE INDEX IF NOT EXISTS idx_wt_member_created  ON wallettransactions (member_id, created_at);
CREATE INDEX IF NOT EXISTS idx_wt_member_status   ON wallettransactions (member_id, status);
CREATE INDEX IF NOT EXISTS idx_wt_member_type     ON wallettransactions (member_id, transaction_type);
CREATE INDEX IF NOT EXISTS idx_wt_order           ON wallettransactions (order_id);
CREATE INDEX IF NOT EXISTS idx_wt_uuid            ON wallettransactions (transaction_uuid);
CREATE INDEX IF NOT EXISTS ix_wallettransactions_commission_id    ON wallettransactions (commission_id);
CREATE INDEX IF NOT EXISTS ix_wallettransactions_member_id        ON wallettransactions (member_id);
CREATE INDEX IF NOT EXISTS ix_wallettransactions_order_id         ON wallettransactions (order_id);
CREATE INDEX IF NOT EXISTS ix_wallettransactions_status           ON wallettransactions (status);
CREATE INDEX IF NOT EXISTS ix_wallettransactions_transaction_type ON wallettransactions (transaction_type);

-- -----------------------------------------------------------------------------
-- walletwithdrawals: bank withdrawal requests, 1:1 with a ledger row.
-- status: PENDING | PROCESSING | COMPLETED | REJECTED. Not touched by payments.
-- -----------------------------------------------------------------------------
CREATE TABLE IF NOT EXISTS walletwithdrawals (
    id                     serial            PRIMARY KEY,
    member_id              integer           NOT NULL REFERENCES users (member_id),
    wallet_transaction_id  integer           NOT NULL REFERENCES wallettransactions (id),
    amount                 double precision  NOT NULL,
    currency               varchar(10)       NOT NULL,
    bank_name              varchar(100)      NOT NULL,
    account_number         varchar(50)       NOT NULL,
    account_holder_name    varchar(150)      NOT NULL,
    status                 varchar(20)       NOT NULL,
    rejection_reason       varchar(500),
    requested_at           timestamp         NOT NULL DEFAULT now(),
    processed_at           timestamp,
    completed_at           timestamp
);
CREATE UNIQUE INDEX IF NOT EXISTS ix_walletwithdrawals_wallet_transaction_id ON walletwithdrawals (wallet_transaction_id);
CREATE INDEX IF NOT EXISTS idx_ww_member    ON walletwithdrawals (member_id);
CREATE INDEX IF NOT EXISTS idx_ww_requested ON walletwithdrawals (requested_at);
CREATE INDEX IF NOT EXISTS idx_ww_status    ON walletwithdrawals (status);
CREATE INDEX IF NOT EXISTS ix_walletwithdrawals_member_id ON walletwithdrawals (member_id);
CREATE INDEX IF NOT EXISTS ix_walletwithdrawals_status    ON walletwithdrawals (status);

-- -----------------------------------------------------------------------------
-- unilevelreports: per (users.id, period) PV/VN by level. At HEAD the PV step
-- calls MLMUserManager.update_unilevel_report_for_order, which opens its OWN
-- session and commits here independently of the payment transaction.
-- Note: user_id references users.id (the surrogate key), unlike everything else.
-- -----------------------------------------------------------------------------
CREATE TABLE IF NOT EXISTS unilevelreports (
    id           serial            PRIMARY KEY,
    user_id      integer           NOT NULL REFERENCES users (id),
    period_id    integer           NOT NULL REFERENCES periods (id),
    pv           integer           NOT NULL,
    vn           double precision  NOT NULL,
    pvg_1        integer NOT NULL,  vng_1  double precision NOT NULL,
    pvg_2        integer NOT NULL,  vng_2  double precision NOT NULL,
    pvg_3        integer NOT NULL,  vng_3  double precision NOT NULL,
    pvg_4        integer NOT NULL,  vng_4  double precision NOT NULL,
    pvg_5        integer NOT NULL,  vng_5  double precision NOT NULL,
    pvg_6        integer NOT NULL,  vng_6  double precision NOT NULL,
    pvg_7        integer NOT NULL,  vng_7  double precision NOT NULL,
    pvg_8        integer NOT NULL,  vng_8  double precision NOT NULL,
    pvg_9        integer NOT NULL,  vng_9  double precision NOT NULL,
    pvg_10_plus  integer NOT NULL,  vng_10_plus double precision NOT NULL,
    pvg_total    integer NOT NULL,  vng_total   double precision NOT NULL
);
CREATE INDEX IF NOT EXISTS ix_unilevelreports_period_id ON unilevelreports (period_id);
CREATE INDEX IF NOT EXISTS ix_unilevelreports_user_id   ON unilevelreports (user_id);

-- -----------------------------------------------------------------------------
-- nnjs_meta: nnjs's own marker table (not part of NNProtect). `nnjs seed --init`
-- writes environment = staging and the database name, with the operator who
-- consented; every nnjs command that writes refuses a database without it.
-- -----------------------------------------------------------------------------
CREATE TABLE IF NOT EXISTS nnjs_meta (
    key     varchar(64)  PRIMARY KEY,
    value   varchar      NOT NULL,
    set_by  varchar      NOT NULL,
    set_at  timestamptz  NOT NULL DEFAULT now()
);
