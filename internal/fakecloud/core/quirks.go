package core

import "time"

// This file keeps what the clouds' documentation leaves open about identity, so that correcting the fake after
// observing the real clouds is a one-line change. IAM's own error codes are all chosen (see iam.go). Choices
// plain enough to need no constant:
//   - A token scoped to a project acts only in that project; an AK/SK caller acts in every project of the
//     account, whatever X-Project-Id says (the header is not part of the signature).
//   - An account-level service (ScopeAccount) takes only tokens scoped to the account and AK/SK callers whose
//     X-Domain-Id names the account; a project-scoped token is refused there (403 in the service's codes).
//   - A token scoped to the account acts in no project.
//   - X-Security-Token (temporary AK/SK credentials) is accepted without being checked.

const (
	// tokenLifetime is how long an IAM token issued by POST /v3/auth/tokens stays valid. The pre-issued
	// tokens never expire, so tests with a frozen clock can use them.
	tokenLifetime = 24 * time.Hour

	// maxClockSkew is how far X-Sdk-Date may be from the server clock; the real gateway allows about 15 minutes.
	maxClockSkew = 15 * time.Minute
)
