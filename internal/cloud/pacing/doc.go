// Package pacing decides how many calls reach a cloud and when: list answers shared among concurrent reads
// (ListCache) and writes gathered into one call (Batcher). It sits beside the client, not among the resources'
// helpers, because it is call pacing: what it saves is round trips and rate-limit share, and a reader looking
// for why a call was (not) made finds it next to the calls it paces.
package pacing
