package framework

import (
	"context"
	"fmt"

	"github.com/cloudauthz/terraform-provider-authz/internal/cloud"
)

// Attempts paces the repetitions of a write whose failures a read-back has sorted out, and keeps the
// cloud's last answer so that a timeout is reported with it.
type Attempts struct {
	MaxRetries int
	n          int
	lastAnswer error
}

// Observe records err, the failure of one attempt. A timeout or Ctrl-C comes back with the last answer the
// cloud gave an earlier attempt, which tells why the write took so long.
func (a *Attempts) Observe(err error) error {
	if _, isAnswer := cloud.AsAPIError(err); isAnswer {
		a.lastAnswer = err
	} else if cloud.OutcomeOf(err) == cloud.InFlight && a.lastAnswer != nil {
		err = fmt.Errorf("%w; the last answer of the cloud was %w", err, a.lastAnswer)
	}
	return err
}

// Again reports whether to repeat a write that failed with err, waiting before it says yes. It says no when
// the failure is not worth repeating (retryable false), the retries are used up or ctx has ended; final is
// then the error to report.
func (a *Attempts) Again(ctx context.Context, err error, retryable bool) (again bool, final error) {
	if ctx.Err() != nil || a.n >= a.MaxRetries || !retryable {
		return false, err
	}
	if sleepErr := Sleep(ctx, RetryDelay(a.n)); sleepErr != nil {
		return false, fmt.Errorf("%w; the last answer of the cloud was %w", sleepErr, err)
	}
	a.n++
	return true, nil
}
