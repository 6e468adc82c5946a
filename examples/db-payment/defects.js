// The legacy payment's two defects, both provoked on purpose, then legacy load on top: a run
// whose report always shows a deadlock (db_deadlocks, R01) and a lost PVG update (C19), and
// crosses its thresholds, whatever the timing of the machine.
//
//   nnjs seed --reset --db "$DB" --tree kary --fanout 3      # needs the 3-ary tree
//   nnjs run -e DB="$DB" --report defects.html examples/db-payment/defects.js   # exit 110
//
// 1. deadlock (2 VUs, one payment each): members first+4 and first+5 share the ancestors
//    first+1 and first. The legacy code writes ancestors one by one in no set order; here one
//    payment writes first then first+1, the other first+1 then first, and each waits for the
//    other to hold its first ancestor before writing the second (a barrier on advisory locks,
//    seen in pg_locks). PostgreSQL detects the cycle after deadlock_timeout and aborts one:
//    40P01, counted in payments_failed.
// 2. lost update (the first of those VUs, once the other payment ended): see lost-update.js.
// 3. load: VUS VUs pay in legacy mode for DURATION (chance adds more of both defects). They
//    start paying when 1 and 2 are done: setup() holds an advisory lock (on a pool of its own,
//    one connection) that the first VU releases at the end of 2.
//
// Environment: DB (required), VUS (10), DURATION (10s), DB_CONNS (20), MEMBER_FIRST (80000),
// MEMBER_COUNT (200), HOT_MEMBERS (13), HOT_SHARE (0.5), PRODUCTS (1,...,8).
import sql from 'nnjs/sql';
import exec from 'k6/execution';
import { sleep } from 'k6';
import { Counter } from 'k6/metrics';
import { lostUpdate, payAndCount, randomLines, randomMember } from './lib.js';

const DB = __ENV.DB || '';
const VUS = Number(__ENV.VUS || 10);
const FIRST = Number(__ENV.MEMBER_FIRST || 80000);
const COUNT = Number(__ENV.MEMBER_COUNT || 200);
const HOT = Math.min(Number(__ENV.HOT_MEMBERS || 13), COUNT);
const HOT_SHARE = Number(__ENV.HOT_SHARE || 0.5);
const PRODUCTS = (__ENV.PRODUCTS || '1,2,3,4,5,6,7,8').split(',').map(Number);
/** Advisory lock keys: the gate the load waits at, and the deadlock's barrier. */
const GATE = 7770001;
const BARRIER = 7770002;
/** How long a party waits for the other one before giving up (a broken setup, not a race). */
const PATIENCE_S = 60;

const counters = {
  started: new Counter('payments_started'),
  ok: new Counter('payments_ok'),
  refused: new Counter('payments_refused'),
  failed: new Counter('payments_failed'),
};

const db = DB ? sql.open(DB, { maxConns: Number(__ENV.DB_CONNS || 20), name: 'staging' }) : null;
// The gate's own pool: one connection, so the session that took the lock in setup() is the
// one that releases it.
const gate = DB ? sql.open(DB + (DB.includes('?') ? '&' : '?') + 'application_name=nnjs-defects-gate',
  { maxConns: 1, name: 'gate' }) : null;

export const options = {
  scenarios: {
    defects: { executor: 'per-vu-iterations', vus: 2, iterations: 1, exec: 'defects', maxDuration: '2m' },
    load: { executor: 'constant-vus', vus: VUS, duration: __ENV.DURATION || '10s', exec: 'load', gracefulStop: '30s' },
  },
  thresholds: { payments_failed: ['count==0'] },
};
if (DB) {
  options.db = { url: DB, monitor: { interval: '1s' } };
  options.integrity = { url: DB, first: FIRST, count: COUNT };
  options.thresholds.db_deadlocks = ['count==0'];
}

export function setup() {
  if (!DB) {
    throw new Error('set the staging database: -e DB=postgres://user@127.0.0.1:5432/staging');
  }
  const shared = db.queryRow(`SELECT count(*)::int AS n FROM usertreepath a JOIN usertreepath b
      ON a.ancestor_id = b.ancestor_id AND a.depth > 0 AND b.depth > 0
    WHERE a.descendant_id = $1::int AND b.descendant_id = $2::int AND a.ancestor_id IN ($3::int, $4::int)`,
  FIRST + 4, FIRST + 5, FIRST, FIRST + 1).n;
  if (shared !== 2) {
    throw new Error(`members ${FIRST + 4} and ${FIRST + 5} must both descend from ${FIRST + 1} and ${FIRST}: ` +
      'seed the 3-ary tree (nnjs seed --tree kary --fanout 3)');
  }
  gate.exec('SELECT pg_advisory_lock($1::bigint)', GATE);
}

export function teardown() {
  gate.exec('SELECT pg_advisory_unlock_all()'); // if the first VU never released it
}

/** defects: the deadlock (both VUs), then the lost update (the first VU), then open the gate. */
export function defects() {
  const side = exec.scenario.iterationInTest % 2;
  try {
    deadlock(side);
    if (side === 0) {
      // The other payment has held first+5's row since its first statement: this waits until
      // its transaction ended, so nothing else writes the members the lost update needs.
      db.tx((tx) => tx.exec('SELECT 1 FROM users WHERE member_id = $1::int FOR NO KEY UPDATE', FIRST + 5));
      lostUpdate(db, FIRST, counters);
    }
  } finally {
    if (side === 0) {
      gate.exec('SELECT pg_advisory_unlock($1::bigint)', GATE);
    }
  }
}

/** deadlock pays for first+4 (side 0) or first+5 (side 1), ancestors in opposite orders. */
function deadlock(side) {
  payAndCount(db, FIRST + 4 + side, [[1, 1], [4, 1]], 'legacy', 0, counters, {
    orderAncestors: (ids) => ids.sort((a, b) => (side === 0 ? a - b : b - a)),
    afterAncestorWrite: (id, i, tx) => {
      if (i === 0) {
        barrier(tx, side);
      }
    },
  });
}

/** barrier signals that this side holds its first ancestor and waits until the other does. */
function barrier(tx, side) {
  tx.exec('SELECT pg_advisory_xact_lock_shared($1::int, $2::int)', BARRIER, side);
  const deadline = Date.now() + PATIENCE_S * 1000;
  for (;;) {
    const held = tx.queryRow(`SELECT count(*)::int AS n FROM pg_locks WHERE locktype = 'advisory' AND granted
      AND database = (SELECT oid FROM pg_database WHERE datname = current_database())
      AND classid = $1::int::oid AND objsubid = 2`, BARRIER).n;
    if (held >= 2) {
      return;
    }
    if (Date.now() > deadline) {
      throw new Error(`deadlock barrier: the other payment never arrived in ${PATIENCE_S}s`);
    }
    sleep(0.02);
  }
}

let gateOpen = false;

/** load: one legacy payment, once the defects are done. */
export function load() {
  while (!gateOpen) {
    // Asked from another session than the gate's (a session's own lock never blocks it).
    gateOpen = db.queryRow(`SELECT CASE WHEN pg_try_advisory_lock_shared($1::bigint)
      THEN pg_advisory_unlock_shared($1::bigint) ELSE false END AS open`, GATE).open;
    if (!gateOpen) {
      sleep(0.1);
    }
  }
  payAndCount(db, randomMember(FIRST, COUNT, HOT, HOT_SHARE), randomLines(PRODUCTS), 'legacy', 0, counters);
}
