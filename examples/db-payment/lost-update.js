// The legacy PVG lost update, on purpose rather than by luck: one payment reads the shared
// ancestor's pvg_cache without a lock (as the real PVUpdateService does), a second payment by
// a sibling commits in that window, and the first one then writes its stale value back. The
// second payment's PV vanishes from the ancestor, and nnjs's integrity check C19 names it.
//
//   nnjs seed --reset --db "$DB"
//   nnjs run -e DB="$DB" examples/db-payment/lost-update.js     # exit 110: C19 FAIL on the root
//
// Under load (payment.js, MODE=legacy) the same window opens by chance; here one VU drives
// both payments on two connections, so the result is the same every time. Needs two members
// sponsored by MEMBER_FIRST (any `nnjs seed` tree) and the seeded catalogue (product 1 is a
// kit, product 4 a single item).
import sql from 'nnjs/sql';
import { Counter } from 'k6/metrics';
import { lostUpdate } from './lib.js';

const DB = __ENV.DB || '';
const FIRST = Number(__ENV.MEMBER_FIRST || 80000);
const COUNT = Number(__ENV.MEMBER_COUNT || 200);

// The reconciliation counters (README "Reconciliation"); nothing here is refused or fails, but
// declaring those two lets R04 judge the run too.
const paymentsStarted = new Counter('payments_started');
const paymentsOK = new Counter('payments_ok');
const paymentsRefused = new Counter('payments_refused');
const paymentsFailed = new Counter('payments_failed');

const db = DB ? sql.open(DB, { maxConns: 2, name: 'staging' }) : null;

export const options = {
  scenarios: { lostUpdate: { executor: 'shared-iterations', vus: 1, iterations: 1 } },
};
if (DB) {
  options.integrity = { url: DB, first: FIRST, count: COUNT };
}

export function setup() {
  if (!DB) {
    throw new Error('set the staging database: -e DB=postgres://user@127.0.0.1:5432/staging');
  }
}

export default function () {
  lostUpdate(db, FIRST, { started: paymentsStarted, ok: paymentsOK });
}
