// Shared helpers of the NNProtect payment scenarios (baseline, ramp, spike, endurance).
//
// One iteration is what one NN-6 Locust user did once: usually a wallet payment
// (POST /orders, then POST /orders/{id}/pay with a fresh Idempotency-Key), sometimes a wallet
// read (GET /wallets/{member_id}), sometimes a concurrent double payment of one order, then a
// think time. Every payment (one order, however many attempts) is counted once, by what the
// client saw:
//
//   payments_started  Counter  before its first request (creating the order)
//   payments_ok       Counter  200 and payment_confirmed
//   payments_refused  Counter  402/409 business refusals, tag reason = the API's code
//                              (insufficient_balance, wrong_state, ...): correct answers,
//                              not errors, and not in http_req_failed; the order stays unpaid
//   payments_failed   Counter  an error answer (5xx: 503 "busy" = retries exhausted, or an
//                              unexpected 4xx) when creating the order or paying it; tags
//                              stage (create_order|pay) and reason
//   payment_duration  Trend    create + pay, tag outcome (ok|refused|failed|unknown)
//
// A payment whose answer never came (status 0: the call was cancelled when the run stopped,
// or the connection failed; http_req_failed counts the latter) is none of ok, refused or
// failed: its outcome is unknown, and nnjs integrity allows for started - ok - refused -
// failed payments on either side when it reconciles R03/R04 (README: "Reconciliation").
//
// Environment (all optional):
//   API            base URL of the payment API           http://127.0.0.1:8080
//   MEMBER_FIRST   first reserved member_id               80000
//   MEMBER_COUNT   number of reserved members             200
//   PRODUCTS       product ids to buy, comma separated    1,2,3,4,5,6,7,8 (nnjs seed's catalogue
//                  on an empty products table: 3 kits, 5 items at 349.30 MXN)
//   HOT_MEMBERS    size of the hot set at the top of the tree (root, its children and
//                  grandchildren with `nnjs seed --tree kary --fanout 3`)        13
//   HOT_SHARE      share of payments made by the hot set                         0.5
//   WALLET_SHARE   share of iterations that only read the wallet (NN-6: 3/13)   0.23
//   DOUBLE_PAY     share of payments sent twice at once with different keys     0.02
//   THINK          think time in seconds after each iteration, "MIN-MAX" or "N"  1-3
//   SCALE          multiplies every duration (0.05 turns 10m into 30s)           1
//   VUS            replaces the scenario's VU count (its peak for ramp/spike)
//   GRACEFUL_STOP  how long running iterations may finish after the end          30s
//
// Contention is on purpose: half the payments come from a small hot set, so many VUs queue
// on the same wallet rows, and with a k-ary tree every payment also updates the PVG of the
// shared ancestors (80000 is everyone's ancestor); the hot set holds parents and children
// that buy at the same time, which is what deadlocks a badly ordered lock sequence.
//
// Wallets drain (the API has no top-up): with nnjs seed's default 5,000-10,000 MXN the hot
// wallets are empty within a minute and most payments end refused (402), which is counted
// apart and does not fail the run. For full-length runs seed larger balances, e.g.
// `nnjs seed --min-balance 1000000 --max-balance 2000000`.
//
// Reconciliation: nnjs run --integrity URL (or, after the run, nnjs integrity --summary with
// the run's --summary-export) checks that the database paid as many orders as the client saw
// succeed (R03) and left unpaid those it saw refused (R04).
import http from 'k6/http';
import { check, sleep } from 'k6';
import { Counter, Trend } from 'k6/metrics';

/** Base URL of the payment API, without a trailing slash. */
export const API = (__ENV.API || 'http://127.0.0.1:8080').replace(/\/+$/, '');
/** First reserved member_id. */
export const MEMBER_FIRST = intEnv('MEMBER_FIRST', 80000, 1);
/** Number of reserved members. */
export const MEMBER_COUNT = intEnv('MEMBER_COUNT', 200, 1);
/** Product ids an order line picks from (the API has no catalogue route). */
export const PRODUCTS = listEnv('PRODUCTS', [1, 2, 3, 4, 5, 6, 7, 8]);
/** Duration multiplier for quick runs. */
export const SCALE = floatEnv('SCALE', 1, 0.0001, 100);

const HOT_MEMBERS = Math.min(intEnv('HOT_MEMBERS', 13, 1), MEMBER_COUNT);
const HOT_SHARE = floatEnv('HOT_SHARE', 0.5, 0, 1);
const WALLET_SHARE = floatEnv('WALLET_SHARE', 0.23, 0, 1);
const DOUBLE_PAY = floatEnv('DOUBLE_PAY', 0.02, 0, 1);
const THINK = rangeEnv('THINK', [1, 3]);

export const paymentsStarted = new Counter('payments_started');
export const paymentsOK = new Counter('payments_ok');
export const paymentsRefused = new Counter('payments_refused');
export const paymentsFailed = new Counter('payments_failed');
export const paymentDuration = new Trend('payment_duration', true);

// Refusals (402 insufficient balance, 409 wrong state ...) are correct answers of the API:
// they must not count in http_req_failed (DOMAIN.md §6).
http.setResponseCallback(http.expectedStatuses({ min: 200, max: 299 }, 402, 409));

const JSON_HEADERS = { 'Content-Type': 'application/json' };

/**
 * NN-6 thresholds: p95 < 2 s and p99 < 5 s for requests and for a whole payment, error rate
 * < 1 % (transport errors included), checks > 99 %; with strict, also no failed payment at
 * all (an error answer).
 */
export function paymentThresholds(strict) {
  const t = {
    http_req_duration: ['p(95)<2000', 'p(99)<5000'],
    'http_req_duration{name:pay}': ['p(95)<2000'],
    'payment_duration{outcome:ok}': ['p(95)<2000', 'p(99)<5000'],
    http_req_failed: ['rate<0.01'],
    checks: ['rate>0.99'],
  };
  if (strict) {
    t.payments_failed = ['count==0'];
  }
  return t;
}

/** scaled returns a k6 duration string: d ("10m", "1h30m", "45s") times SCALE, at least 1s. */
export function scaled(d) {
  const ms = Math.max(1000, Math.round(parseDuration(d) * SCALE));
  return ms % 1000 === 0 ? `${ms / 1000}s` : `${ms}ms`;
}

/** gracefulStop returns the scenario's gracefulStop: __ENV.GRACEFUL_STOP or k6's 30s. */
export function gracefulStop() {
  const d = __ENV.GRACEFUL_STOP || '30s';
  parseDuration(d);
  return d;
}

/** vus returns __ENV.VUS when set, else n. */
export function vus(n) {
  return intEnv('VUS', n, 1);
}

/**
 * setupPayments checks, before any load, that the API is up and the reserved range is seeded
 * (it throws otherwise, which stops the run), and returns the data every VU gets.
 */
export function setupPayments() {
  const health = http.get(`${API}/healthz`, { tags: { name: 'healthz' } });
  if (health.status !== 200) {
    throw new Error(`payment API at ${API} is not healthy: status ${health.status} ${health.error || ''}`);
  }
  const wallet = http.get(`${API}/wallets/${MEMBER_FIRST}`, { tags: { name: 'get_wallet' } });
  if (wallet.status !== 200) {
    throw new Error(`member ${MEMBER_FIRST} has no wallet (status ${wallet.status}): run nnjs seed first`);
  }
  return { products: PRODUCTS };
}

/** iteration is one NN-6 user task: a payment (sometimes a double one) or a wallet read. */
export function iteration(data) {
  const products = (data && data.products) || PRODUCTS;
  const member = pickMember();
  if (Math.random() < WALLET_SHARE) {
    readWallet(member);
  } else if (Math.random() < DOUBLE_PAY) {
    doublePay(products, member);
  } else {
    payOnce(products, member);
  }
  think();
}

/** pickMember returns a hot member with probability HOT_SHARE, else any reserved member. */
export function pickMember() {
  const n = Math.random() < HOT_SHARE ? HOT_MEMBERS : MEMBER_COUNT;
  return MEMBER_FIRST + Math.floor(Math.random() * n);
}

/**
 * payOnce creates an order of one product for member and pays it with a fresh
 * Idempotency-Key. It returns "ok", "refused", "failed" or "unknown".
 */
export function payOnce(products, member) {
  const start = Date.now();
  paymentsStarted.add(1);
  const order = createOrder(products, member);
  if (order.outcome) {
    return finish(start, order.outcome, order.reason);
  }
  const res = http.post(`${API}/orders/${order.id}/pay`, null, payParams());
  const [outcome, reason] = classifyPay(res, order);
  return finish(start, outcome, reason);
}

/**
 * doublePay creates one order and pays it twice at the same time with two different keys,
 * as a double click would: at most one attempt may succeed; the other is refused (409
 * wrong_state), or both are refused (402) when the wallet cannot afford it. The payment is
 * counted once: ok if an attempt succeeded, else unknown if an answer is missing, else
 * failed if one failed, else refused.
 */
export function doublePay(products, member) {
  const start = Date.now();
  paymentsStarted.add(1);
  const order = createOrder(products, member);
  if (order.outcome) {
    return finish(start, order.outcome, order.reason);
  }
  const url = `${API}/orders/${order.id}/pay`;
  const res = http.batch([
    ['POST', url, null, payParams()],
    ['POST', url, null, payParams()],
  ]);
  const outcomes = res.map((r) => classifyPay(r, order));
  const oks = outcomes.filter(([o]) => o === 'ok').length;
  check(oks, { 'double pay: at most one attempt succeeds': (n) => n <= 1 });
  for (const want of ['ok', 'unknown', 'failed']) {
    const hit = outcomes.find(([o]) => o === want);
    if (hit) {
      return finish(start, want, hit[1]);
    }
  }
  return finish(start, 'refused', outcomes[0][1]);
}

// finish counts one payment's outcome (with its stage and reason tags) and its duration.
function finish(start, outcome, reason) {
  paymentDuration.add(Date.now() - start, { outcome });
  if (outcome === 'ok') {
    paymentsOK.add(1);
  } else if (outcome === 'refused') {
    paymentsRefused.add(1, { reason: reason.reason });
  } else if (outcome === 'failed') {
    paymentsFailed.add(1, reason);
  }
  return outcome;
}

/** readWallet is NN-6's check_wallet_balance task. */
export function readWallet(member) {
  const res = http.get(`${API}/wallets/${member}`, { tags: { name: 'get_wallet' } });
  check(res, {
    'wallet read (200)': (r) => r.status === 200,
    'wallet balance is not negative': (r) => r.status !== 200 || jsonField(r, 'balance') >= 0,
  });
}

function payParams() {
  return {
    headers: { 'Idempotency-Key': crypto.randomUUID() },
    tags: { name: 'pay' },
  };
}

// createOrder posts a one-line order and returns {id, total}, or {outcome, reason} when no
// order can be paid: failed for an error answer (the member and products must exist), unknown
// when no answer came (the order may exist).
function createOrder(products, member) {
  const body = JSON.stringify({
    member_id: member,
    lines: [{ product_id: products[Math.floor(Math.random() * products.length)], qty: 1 }],
  });
  const res = http.post(`${API}/orders`, body, { headers: JSON_HEADERS, tags: { name: 'create_order' } });
  if (res.status === 0) {
    return { outcome: 'unknown' };
  }
  const id = res.status === 201 ? jsonField(res, 'id') : undefined;
  if (!check(res, { 'order created (201)': () => Number.isInteger(id) && id > 0 })) {
    return { outcome: 'failed', reason: { stage: 'create_order', reason: failureReason(res) } };
  }
  return { id, total: jsonField(res, 'total') };
}

// classifyPay returns a pay response's [outcome, tags]; an unanswered call (status 0) is
// "unknown" and has nothing to check.
function classifyPay(res, order) {
  if (res.status === 0) {
    return ['unknown', null];
  }
  check(res, { 'pay: expected outcome (200, 402, 409)': (r) => [200, 402, 409].includes(r.status) });
  if (res.status === 200) {
    return classifyPaid(res, order);
  }
  if (res.status === 402 || res.status === 409) {
    return ['refused', { reason: jsonField(res, 'code') || `http_${res.status}` }];
  }
  return ['failed', { stage: 'pay', reason: failureReason(res) }];
}

// classifyPaid checks a 200 answer. The order is paid in the database whatever the body
// checks say, so it is "ok" (nnjs integrity reconciles the count).
function classifyPaid(res, order) {
  check(res, {
    'payment confirmed': (r) => jsonField(r, 'status') === 'payment_confirmed' && jsonField(r, 'order_id') === order.id,
    'payment debited the order total': (r) => near(jsonField(r, 'balance_before') - jsonField(r, 'balance_after'), order.total),
    'balance after payment is not negative': (r) => jsonField(r, 'balance_after') >= 0,
    // A fresh key cannot be a replay: the API would have mixed up two attempts.
    'a fresh key is not replayed': (r) => r.headers['Idempotent-Replayed'] !== 'true',
  });
  return ['ok', null];
}

// failureReason names an error answer: the API's code ("busy" for a 503 after retries,
// "internal" ...), or the status.
function failureReason(res) {
  return jsonField(res, 'code') || `http_${res.status}`;
}

// jsonField returns a top-level field of a JSON body, or undefined when the body is not JSON.
function jsonField(res, name) {
  try {
    const v = res.json();
    return v && typeof v === 'object' ? v[name] : undefined;
  } catch (e) {
    return undefined;
  }
}

function near(a, b) {
  return typeof a === 'number' && typeof b === 'number' && Math.abs(a - b) < 0.005;
}

function think() {
  const [lo, hi] = THINK;
  const s = lo + Math.random() * (hi - lo);
  if (s > 0) {
    sleep(s);
  }
}

function parseDuration(d) {
  const re = /(\d+(?:\.\d+)?)(ms|h|m|s)/g;
  const unit = { h: 3600000, m: 60000, s: 1000, ms: 1 };
  let total = 0;
  let seen = '';
  let m;
  while ((m = re.exec(d)) !== null) {
    total += parseFloat(m[1]) * unit[m[2]];
    seen += m[0];
  }
  if (seen !== d || total <= 0) {
    throw new Error(`bad duration ${JSON.stringify(d)} (want e.g. 30s, 10m, 1h)`);
  }
  return total;
}

function intEnv(name, def, min) {
  const raw = __ENV[name];
  if (raw === undefined || raw === '') {
    return def;
  }
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min) {
    throw new Error(`${name}=${raw}: want an integer >= ${min}`);
  }
  return n;
}

function floatEnv(name, def, min, max) {
  const raw = __ENV[name];
  if (raw === undefined || raw === '') {
    return def;
  }
  const n = Number(raw);
  if (!Number.isFinite(n) || n < min || n > max) {
    throw new Error(`${name}=${raw}: want a number in [${min}, ${max}]`);
  }
  return n;
}

function listEnv(name, def) {
  const raw = __ENV[name];
  if (raw === undefined || raw === '') {
    return def;
  }
  const ids = raw.split(',').map((s) => Number(s.trim()));
  if (ids.length === 0 || ids.some((n) => !Number.isInteger(n) || n <= 0)) {
    throw new Error(`${name}=${raw}: want comma-separated positive ids`);
  }
  return ids;
}

function rangeEnv(name, def) {
  const raw = __ENV[name];
  if (raw === undefined || raw === '') {
    return def;
  }
  const parts = raw.split('-').map((s) => Number(s.trim()));
  const [lo, hi] = parts.length === 1 ? [parts[0], parts[0]] : parts;
  if (parts.length > 2 || !(lo >= 0) || !(hi >= lo)) {
    throw new Error(`${name}=${raw}: want seconds "N" or "MIN-MAX"`);
  }
  return [lo, hi];
}
