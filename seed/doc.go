// Package seed prepares a staging PostgreSQL database for an nnjs load test of the NNProtect
// wallet-payment flow, and guards every nnjs writer against touching anything else.
//
// Guard: nnjs writes only to a database that carries the staging marker (table nnjs_meta,
// environment = staging, recorded for this database name) written by MarkStaging with an
// operator's consent, or whose name the operator typed explicitly (Authorize with a
// confirmation). Refusals are *NotStagingError values that say why and how to proceed.
//
// Seeding: Run creates the reserved members (member_id First..First+Count-1) with every NOT
// NULL column filled, a sponsor tree (flat or k-ary) with its usertreepath closure rows, one
// MXN wallet each with a reproducible cent-rounded balance, a period that covers "now" in the
// app's sense (UTC-6), and a product catalogue and rank ladder when those tables are empty.
// Run is idempotent; Reset restores the reserved range to its seeded state and removes the
// orders, ledger rows and commissions that belong to it. Nothing outside the range changes.
//
//	pool, err := pg.Open(ctx, url)             // internal/pg: errors never show the password
//	err = seed.ApplySchema(ctx, pool)          // idempotent DDL (embedded schema.sql)
//	err = seed.MarkStaging(ctx, pool, "alice") // the operator's consent
//	res, err := seed.Run(ctx, pool, seed.DefaultConfig())
//	report := seed.Validate(ctx, pool, seed.DefaultConfig(), time.Now())
package seed
