// The NNProtect wallet payment straight against PostgreSQL (no API in between), the way NN-6's
// locustfile drove the payment service: create a pending order with its lines (committed on
// its own), then pay it in one transaction. See README.md beside this file.
//
//   nnjs seed --reset --db "$DB"      # between runs
//   nnjs run -e DB="$DB" examples/db-payment/payment.js                 # correct (default)
//   nnjs run -e DB="$DB" -e MODE=legacy examples/db-payment/payment.js  # the real defects
//
// MODE=correct locks every member row in ascending member_id and updates PV/PVG relatively;
// a deadlock (40P01) or serialization failure (40001) is retried up to RETRIES times.
// MODE=legacy is the real PVUpdateService: ancestors read without a lock and written as
// absolute values, one by one in an unspecified order, never retried. Under this contention
// it loses PVG increments (integrity check C19) and deadlocks (db_deadlocks, R01).
//
// Contention is on purpose: HOT_SHARE of the payments come from the HOT_MEMBERS at the top of
// the kary tree (root, children, grandchildren), so many VUs queue on the same wallets, every
// payment updates the root's PVG, and parents and children pay at the same time.
//
// Environment: DB (required), MODE correct|legacy, VUS (100), DURATION (30s), GRACEFUL_STOP
// (30s), DB_CONNS pool size (20), RETRIES (10), MEMBER_FIRST (80000), MEMBER_COUNT (200),
// HOT_MEMBERS (13), HOT_SHARE (0.5), PRODUCTS (1,2,3,4,5,6,7,8: nnjs seed's catalogue, three
// of them kits).
import sql from 'nnjs/sql';
import { Counter } from 'k6/metrics';
import { payAndCount, randomLines, randomMember } from './lib.js';

const DB = __ENV.DB || '';
const MODE = __ENV.MODE || 'correct';
if (MODE !== 'correct' && MODE !== 'legacy') {
  throw new Error(`MODE must be correct or legacy, got ${MODE}`);
}
const VUS = intEnv('VUS', 100, 1);
const DB_CONNS = intEnv('DB_CONNS', 20, 1);
const RETRIES = intEnv('RETRIES', 10, 0);
const MEMBER_FIRST = intEnv('MEMBER_FIRST', 80000, 1);
const MEMBER_COUNT = intEnv('MEMBER_COUNT', 200, 1);
const HOT_MEMBERS = Math.min(intEnv('HOT_MEMBERS', 13, 1), MEMBER_COUNT);
const HOT_SHARE = Number(__ENV.HOT_SHARE || 0.5);
const PRODUCTS = (__ENV.PRODUCTS || '1,2,3,4,5,6,7,8').split(',').map((s) => intOf('PRODUCTS', s, 1));

// Each payment is counted once (README "Reconciliation"): started before its first statement,
// then ok, refused or failed by what the database answered. A statement cancelled when the
// run stopped, or a lost connection, got no answer: that payment's outcome is unknown (it may
// have committed), so it is none of the three, and R03/R04 allow for it.
/** payments_started: payments begun (before the order is created). */
const paymentsStarted = new Counter('payments_started');
/** payments_ok: orders paid (committed). */
const paymentsOK = new Counter('payments_ok');
/** payments_refused{reason}: business refusals (insufficient_balance, wrong_state, ...). */
const paymentsRefused = new Counter('payments_refused');
/** payments_failed{code,stage}: SQL errors (40P01 deadlock, ...), stage create or pay. */
const paymentsFailed = new Counter('payments_failed');
const counters = { started: paymentsStarted, ok: paymentsOK, refused: paymentsRefused, failed: paymentsFailed };

const db = DB ? sql.open(DB, { maxConns: DB_CONNS, name: 'staging' }) : null;

export const options = {
  scenarios: {
    payments: {
      executor: 'constant-vus', vus: VUS, duration: __ENV.DURATION || '30s',
      gracefulStop: __ENV.GRACEFUL_STOP || '30s',
    },
  },
  thresholds: { payments_failed: ['count==0'] },
};
if (DB) {
  options.db = { url: DB, monitor: { interval: '1s' } };
  options.integrity = { url: DB, first: MEMBER_FIRST, count: MEMBER_COUNT }; // default counters
  options.thresholds.db_deadlocks = ['count==0'];
}

export function setup() {
  if (!DB) {
    throw new Error('set the staging database: -e DB=postgres://user@127.0.0.1:5432/staging');
  }
}

export default function () {
  const buyer = randomMember(MEMBER_FIRST, MEMBER_COUNT, HOT_MEMBERS, HOT_SHARE);
  payAndCount(db, buyer, randomLines(PRODUCTS), MODE, RETRIES, counters);
}

function intEnv(name, def, min) {
  return __ENV[name] === undefined || __ENV[name] === '' ? def : intOf(name, __ENV[name], min);
}

function intOf(name, s, min) {
  const n = Number(s);
  if (!Number.isInteger(n) || n < min) {
    throw new Error(`${name} must be an integer >= ${min}, got ${s}`);
  }
  return n;
}
