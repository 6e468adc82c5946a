// Package paymentapi is the reference wallet-payment HTTP service that nnjs scenarios load:
// it runs on the real NNProtect schema (see seed.ApplySchema) and pays an order from the
// buyer's wallet in one transaction, without the lost update and the deadlock of the real
// code. With Config.Legacy it reproduces those two defects so nnjs can show it catches them.
//
//	pool, _ := pgxpool.New(ctx, url)
//	srv, err := paymentapi.New(ctx, pool, paymentapi.Config{})
//	http.ListenAndServe("127.0.0.1:8080", srv.Handler())
//
// Routes: POST /orders, POST /orders/{id}/pay (Idempotency-Key header required),
// GET /wallets/{member_id}, GET /healthz, GET /metrics (Prometheus), GET /openapi.json (the
// OpenAPI 3.1 document of every request and response field, embedded as OpenAPI).
//
// Lock order of a payment (default mode): the order row, then the wallet row, then every
// users row to touch (buyer and all its ancestors) in ascending member_id with
// FOR NO KEY UPDATE, and points are added with relative updates. Serialization failures
// (40001) and deadlocks (40P01) are retried a bounded number of times with jitter.
package paymentapi
