package paymentapi

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"testing"
	"testing/synctest"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestBackoff(t *testing.T) {
	t.Parallel()
	p := RetryPolicy{MaxAttempts: 6, BaseDelay: 10 * time.Millisecond, MaxDelay: 50 * time.Millisecond}
	tests := []struct {
		attempt int
		u       float64
		want    time.Duration
	}{
		{1, 0, 5 * time.Millisecond},
		{1, 0.999999, 10 * time.Millisecond},
		{2, 0, 10 * time.Millisecond},
		{3, 0.5, 30 * time.Millisecond},
		{4, 0, 25 * time.Millisecond}, // capped at MaxDelay
		{9, 0.999999, 50 * time.Millisecond},
	}
	for _, tc := range tests {
		t.Run(fmt.Sprintf("attempt %d u %.2f", tc.attempt, tc.u), func(t *testing.T) {
			assert.InDelta(t, float64(tc.want), float64(p.backoff(tc.attempt, tc.u)), float64(time.Microsecond))
		})
	}
}

func TestRetryReason(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		err  error
		want string
	}{
		{"deadlock", &pgconn.PgError{Code: "40P01"}, "deadlock"},
		{"wrapped serialization", fmt.Errorf("lock: %w", &pgconn.PgError{Code: "40001"}), "serialization"},
		{"idempotency key race", &pgconn.PgError{Code: "23505", ConstraintName: idempotencyPKey}, "idempotency_race"},
		{"other unique violation", &pgconn.PgError{Code: "23505", ConstraintName: "ix_orders_payment_reference"}, ""},
		{"check violation", &pgconn.PgError{Code: "23514"}, ""},
		{"business refusal", ErrInsufficientBalance, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			assert.Equal(t, tc.want, retryReason(tc.err))
		})
	}
}

func TestWithRetry(t *testing.T) {
	t.Parallel()
	deadlock := &pgconn.PgError{Code: "40P01"}
	p := RetryPolicy{MaxAttempts: 3, BaseDelay: 10 * time.Millisecond, MaxDelay: 40 * time.Millisecond}
	tests := []struct {
		name      string
		failures  int   // attempts that fail with fail before success
		fail      error // the error of a failing attempt
		wantErr   error
		wantCalls int
		wantLog   []string
	}{
		{"succeeds after two deadlocks", 2, deadlock, nil, 3, []string{"deadlock true", "deadlock true"}},
		{"exhausted", 5, deadlock, ErrBusy, 3, []string{"deadlock true", "deadlock true", "deadlock false"}},
		{"refusal is not retried", 5, ErrWrongState, ErrWrongState, 1, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				calls, start := 0, time.Now()
				var log []string
				err := withRetry(t.Context(), p, func(r string, retry bool) { log = append(log, fmt.Sprint(r, " ", retry)) },
					func(context.Context) error {
						calls++
						if calls <= tc.failures {
							return tc.fail
						}
						return nil
					})
				assert.ErrorIs(t, err, tc.wantErr)
				if tc.wantErr == nil {
					assert.NoError(t, err)
				}
				assert.Equal(t, tc.wantCalls, calls)
				assert.Equal(t, tc.wantLog, log)
				assert.LessOrEqual(t, time.Since(start), 10*time.Millisecond+20*time.Millisecond) // two bounded backoffs
			})
		})
	}
}

func TestWithRetryStopsWhenCancelled(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		ctx, cancel := context.WithCancel(t.Context())
		calls := 0
		err := withRetry(ctx, RetryPolicy{MaxAttempts: 5, BaseDelay: time.Second, MaxDelay: time.Second},
			func(string, bool) { cancel() },
			func(context.Context) error { calls++; return &pgconn.PgError{Code: "40001"} })
		require.ErrorIs(t, err, context.Canceled)
		assert.Equal(t, 1, calls)
	})
}

func TestClassify(t *testing.T) {
	t.Parallel()
	for _, r := range refusals {
		status, code := classify(fmt.Errorf("paymentapi: op: %w", r.err))
		assert.Equal(t, r.status, status, r.code)
		assert.Equal(t, r.code, code)
	}
	status, code := classify(errors.New("boom"))
	assert.Equal(t, http.StatusInternalServerError, status)
	assert.Equal(t, "internal", code)
}
