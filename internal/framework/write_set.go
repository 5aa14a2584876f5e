package framework

import (
	"context"
	"errors"

	"github.com/hashicorp/terraform-plugin-framework/diag"

	"github.com/cloudauthz/terraform-provider-authz/internal/cloud"
)

// SetCreate is the end of an authoritative set's create, once its write has run. The set owns everything
// its parent holds (an app's authorizations in an environment, an API's authorized apps), and its create
// checked that the parent held nothing: so a create that failed half-way takes everything back, and a
// failed apply leaves nothing behind and the resource untainted — replacing a tainted set would take every
// grant back only to make it again.
type SetCreate[T any] struct {
	Done bool // the write made everything the set holds
	Made []T  // what the write reported made or adopted
	// List lists everything the set's parent holds; Revoke takes items back, failing if any remains.
	List   func(ctx context.Context) ([]T, error)
	Revoke func(ctx context.Context, items []T) error
	// Record makes the state hold exactly items.
	Record func(items []T) diag.Diagnostics
	// Summary is the error's summary; TakenBack its detail when everything was taken back, Remains when
	// left items remain, recorded in the state, because of why.
	Summary   string
	TakenBack string
	Remains   func(left int, why error) string
	// InFlight is the write's unknown outcome when the cloud may still carry it out (ErrMayStillLand): nothing
	// is taken back then, since what lands later would stay behind unknown; the state records what exists,
	// for the next refresh to read again, and Unsettled(recorded) is the error's detail.
	InFlight  error
	Unsettled func(recorded int) string
}

// Finish records what a successful write made, or takes back what a failed one made.
func (s SetCreate[T]) Finish(ctx context.Context, diags *diag.Diagnostics) {
	if s.Done {
		diags.Append(s.Record(s.Made)...)
		return
	}
	if errors.Is(s.InFlight, ErrMayStillLand) {
		items, err := ReadBack(ctx, cloud.MaybeApplied, func(ctx context.Context) ([]T, bool, error) {
			items, err := s.List(ctx)
			return items, true, err
		})
		if err != nil {
			items = s.Made
		}
		diags.Append(s.Record(items)...)
		diags.AddError(s.Summary, s.Unsettled(len(items)))
		return
	}
	left, err := RollBack(ctx, s.List, s.Revoke, s.Made)
	if err == nil {
		diags.AddError(s.Summary, s.TakenBack)
		return
	}
	// The state records what is left, so that nothing exists that Terraform does not know about.
	diags.Append(s.Record(left)...)
	diags.AddError(s.Summary, s.Remains(len(left), err))
}

// RollBack takes back everything list shows. It lists through ReadBack (a fresh context, retried), revokes
// on a fresh context — the operation's own may have ended — and lists again when revoking fails. It returns
// nil, nil when nothing is left; otherwise what is left and why. When what exists cannot be listed, what is
// left is taken to be known: what the operation reported it made.
func RollBack[T any](ctx context.Context, list func(context.Context) ([]T, error), revoke func(context.Context, []T) error, known []T) ([]T, error) {
	find := func(ctx context.Context) ([]T, bool, error) {
		items, err := list(ctx)
		return items, true, err
	}
	items, err := ReadBack(ctx, cloud.MaybeApplied, find)
	if err != nil {
		return known, err
	}
	rctx, cancel := Fresh(ctx)
	defer cancel()
	revokeErr := revoke(rctx, items)
	if revokeErr == nil {
		return nil, nil
	}
	left, err := ReadBack(ctx, cloud.MaybeApplied, find)
	if err != nil {
		return known, errors.Join(revokeErr, err)
	}
	return left, revokeErr
}

// SetDiff is what an authoritative set's update changes: the current items whose keys are not wanted
// (stale) and the wanted keys no current item has (missing), each in the order given.
func SetDiff[T any, K comparable](current []T, key func(T) K, want []K) (stale []T, missing []K) {
	wanted := make(map[K]bool, len(want))
	for _, k := range want {
		wanted[k] = true
	}
	have := make(map[K]bool, len(current))
	for _, item := range current {
		k := key(item)
		have[k] = true
		if !wanted[k] {
			stale = append(stale, item)
		}
	}
	for _, k := range want {
		if !have[k] {
			missing = append(missing, k)
		}
	}
	return stale, missing
}
