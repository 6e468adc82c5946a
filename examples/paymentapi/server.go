package paymentapi

import (
	"context"
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strconv"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
)

// DB is what the service needs from a connection pool; *pgxpool.Pool satisfies it.
type DB interface {
	Begin(ctx context.Context) (pgx.Tx, error)
	Exec(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error)
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
	Ping(ctx context.Context) error
}

// Config is the service configuration; the zero value is the correct (non-legacy) service.
type Config struct {
	// Legacy reproduces the real code's two defects: ancestors' pvg_cache read without a
	// lock and written as absolute values, and the buyer row locked before the ancestors,
	// which are visited in no particular order.
	Legacy bool
	// Retry bounds the retries on 40001/40P01; zero means DefaultRetryPolicy.
	Retry RetryPolicy
	// Logger receives internal errors; nil means slog.Default().
	Logger *slog.Logger
}

// Server is the payment service. It is safe for concurrent use by many HTTP requests.
type Server struct {
	db      DB
	cfg     Config
	log     *slog.Logger
	metrics *metrics
}

// New returns a Server on db after creating its idempotency table if it is missing.
func New(ctx context.Context, db DB, cfg Config) (*Server, error) {
	if err := EnsureIdempotencyTable(ctx, db); err != nil {
		return nil, err
	}
	log := cfg.Logger
	if log == nil {
		log = slog.Default()
	}
	return &Server{db: db, cfg: cfg, log: log, metrics: newMetrics()}, nil
}

// Stats returns the service's retry and deadlock counters.
func (s *Server) Stats() Stats { return s.metrics.stats() }

// OpenAPI is the OpenAPI 3.1 document of the routes, served at GET /openapi.json: every
// request and response field, and which error codes each route answers with.
//
//go:embed openapi.json
var OpenAPI []byte

// route is one pattern of the service's mux; instrumented routes count in the metrics.
type route struct {
	pattern      string
	handler      http.Handler
	instrumented bool
}

// routes lists every route Handler registers.
func (s *Server) routes() []route {
	return []route{
		{"POST /orders", http.HandlerFunc(s.handleCreateOrder), true},
		{"POST /orders/{id}/pay", http.HandlerFunc(s.handlePay), true},
		{"GET /wallets/{member_id}", http.HandlerFunc(s.handleWallet), true},
		{"GET /healthz", http.HandlerFunc(s.handleHealth), true},
		{"GET /metrics", s.metrics.handler(), false},
		{"GET /openapi.json", http.HandlerFunc(serveOpenAPI), false},
	}
}

// Handler returns the HTTP routes of the service.
func (s *Server) Handler() http.Handler {
	mux := http.NewServeMux()
	for _, r := range s.routes() {
		h := r.handler
		if r.instrumented {
			h = s.metrics.instrument(r.pattern, h.ServeHTTP)
		}
		mux.Handle(r.pattern, h)
	}
	return mux
}

func serveOpenAPI(w http.ResponseWriter, _ *http.Request) {
	w.Header().Set("Content-Type", "application/json")
	_, _ = w.Write(OpenAPI)
}

func (s *Server) handleHealth(w http.ResponseWriter, r *http.Request) {
	if err := s.db.Ping(r.Context()); err != nil {
		s.log.Error("paymentapi: healthz", "err", err)
		writeJSON(w, http.StatusServiceUnavailable, map[string]string{"status": "unavailable"})
		return
	}
	writeJSON(w, http.StatusOK, map[string]string{"status": "ok"})
}

// Wallet is the body of GET /wallets/{member_id}.
type Wallet struct {
	MemberID int     `json:"member_id"`
	Balance  float64 `json:"balance"`
	Currency string  `json:"currency"`
	Status   string  `json:"status"`
}

func (s *Server) handleWallet(w http.ResponseWriter, r *http.Request) {
	id, err := pathInt(r, "member_id")
	if err != nil {
		s.writeError(w, err)
		return
	}
	wal := Wallet{MemberID: id}
	err = s.db.QueryRow(r.Context(), `SELECT balance, currency, status FROM wallets WHERE member_id = $1`, id).
		Scan(&wal.Balance, &wal.Currency, &wal.Status)
	if errors.Is(err, pgx.ErrNoRows) {
		err = ErrWalletNotFound
	}
	if err != nil {
		s.writeError(w, fmt.Errorf("paymentapi: get wallet %d: %w", id, err))
		return
	}
	writeJSON(w, http.StatusOK, wal)
}

// ErrorBody is the JSON body of every non-2xx response.
type ErrorBody struct {
	// Code is stable and meant for clients to branch on (e.g. "insufficient_balance").
	Code string `json:"code"`
	// Message is human-readable.
	Message string `json:"error"`
}

func (s *Server) writeError(w http.ResponseWriter, err error) {
	status, code := classify(err)
	msg := err.Error()
	if status >= 500 {
		s.log.Error("paymentapi: request failed", "err", err)
		if status == http.StatusServiceUnavailable {
			w.Header().Set("Retry-After", "1")
		} else {
			msg = "internal error"
		}
	}
	writeJSON(w, status, ErrorBody{Code: code, Message: msg})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

func pathInt(r *http.Request, name string) (int, error) {
	n, err := strconv.Atoi(r.PathValue(name))
	if err != nil || n <= 0 {
		return 0, fmt.Errorf("%w: %s must be a positive integer", ErrInvalidRequest, name)
	}
	return n, nil
}

// decodeJSON reads one JSON value of at most 1 MiB, refusing unknown fields.
func decodeJSON(r *http.Request, v any) error {
	dec := json.NewDecoder(io.LimitReader(r.Body, 1<<20))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return fmt.Errorf("%w: body: %v", ErrInvalidRequest, err)
	}
	return nil
}
