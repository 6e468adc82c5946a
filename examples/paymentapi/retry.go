package paymentapi

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
)

// SQLSTATE codes the payment retries.
const (
	sqlstateSerialization = "40001"
	sqlstateDeadlock      = "40P01"
	sqlstateUnique        = "23505"
)

// RetryPolicy bounds the retries of a payment aborted by a serialization failure or a
// deadlock. The zero value means DefaultRetryPolicy.
type RetryPolicy struct {
	// MaxAttempts is the number of transaction attempts, the first included.
	MaxAttempts int
	// BaseDelay is the backoff before the second attempt; it doubles per attempt.
	BaseDelay time.Duration
	// MaxDelay caps one backoff.
	MaxDelay time.Duration
}

// DefaultRetryPolicy is 6 attempts with full-jitter backoff from 5ms, capped at 200ms.
var DefaultRetryPolicy = RetryPolicy{MaxAttempts: 6, BaseDelay: 5 * time.Millisecond, MaxDelay: 200 * time.Millisecond}

func (p RetryPolicy) orDefault() RetryPolicy {
	if p.MaxAttempts <= 0 {
		return DefaultRetryPolicy
	}
	return p
}

// backoff returns the full-jitter delay after the failed attempt number attempt (1-based):
// a value in [cap/2, cap] where cap = min(MaxDelay, BaseDelay*2^(attempt-1)). u in [0,1)
// is the random draw, so the function is pure.
func (p RetryPolicy) backoff(attempt int, u float64) time.Duration {
	ceiling := p.BaseDelay
	for i := 1; i < attempt && ceiling < p.MaxDelay; i++ {
		ceiling *= 2
	}
	if p.MaxDelay > 0 && ceiling > p.MaxDelay {
		ceiling = p.MaxDelay
	}
	half := ceiling / 2
	return half + time.Duration(u*float64(ceiling-half))
}

// retryReason says why err should be retried: "deadlock", "serialization",
// "idempotency_race" (two first uses of one key), or "" when it must not be retried.
func retryReason(err error) string {
	var pgErr *pgconn.PgError
	if !errors.As(err, &pgErr) {
		return ""
	}
	switch {
	case pgErr.Code == sqlstateDeadlock:
		return "deadlock"
	case pgErr.Code == sqlstateSerialization:
		return "serialization"
	case pgErr.Code == sqlstateUnique && pgErr.ConstraintName == idempotencyPKey:
		return "idempotency_race"
	}
	return ""
}

// withRetry runs attempt until it succeeds, fails with a non-retryable error, or the policy
// is exhausted (then ErrBusy wraps the last error). onAbort is told the reason of every
// aborted attempt and whether it will be retried.
func withRetry(ctx context.Context, p RetryPolicy, onAbort func(reason string, retry bool), attempt func(context.Context) error) error {
	p = p.orDefault()
	var err error
	for n := 1; n <= p.MaxAttempts; n++ {
		if err = attempt(ctx); err == nil {
			return nil
		}
		reason := retryReason(err)
		if reason == "" {
			return err
		}
		onAbort(reason, n < p.MaxAttempts)
		if n == p.MaxAttempts {
			break
		}
		t := time.NewTimer(p.backoff(n, rand.Float64()))
		select {
		case <-ctx.Done():
			t.Stop()
			return fmt.Errorf("paymentapi: retry wait: %w", ctx.Err())
		case <-t.C:
		}
	}
	return fmt.Errorf("%w: %w", ErrBusy, err)
}
