package pacing

import (
	"context"
	"errors"
	"strconv"
	"sync"
	"time"

	"golang.org/x/sync/singleflight"
)

// ListCache shares one list call among the concurrent reads of a key and keeps its answer for a short while,
// until a write to the key: a refresh of many resources that live in one list (the authorizations of one
// app) then costs a few calls, not one per resource. The lists it returns are shared: read them, never
// change them.
type ListCache[T any] struct {
	TTL time.Duration

	group   singleflight.Group
	mu      sync.Mutex
	entries map[string]listEntry[T]
	gens    map[string]uint64 // bumped by every write to the key, so a list read before it is never kept
}

type listEntry[T any] struct {
	list []T
	at   time.Time
	gen  uint64
}

// Get returns the list of key, fetching it unless a fresh copy is at hand or another reader is fetching it.
func (c *ListCache[T]) Get(ctx context.Context, key string, fetch func(context.Context) ([]T, error)) ([]T, error) {
	c.mu.Lock()
	gen := c.gens[key]
	if e, ok := c.entries[key]; ok && e.gen == gen && time.Since(e.at) < c.TTL {
		c.mu.Unlock()
		return e.list, nil
	}
	c.mu.Unlock()

	v, err, _ := c.group.Do(key+"#"+strconv.FormatUint(gen, 10), func() (any, error) {
		list, err := fetch(ctx)
		if err == nil {
			c.mu.Lock()
			if c.gens[key] == gen {
				if c.entries == nil {
					c.entries = map[string]listEntry[T]{}
				}
				c.entries[key] = listEntry[T]{list: list, at: time.Now(), gen: gen}
			}
			c.mu.Unlock()
		}
		return list, err
	})
	// The shared call ran on another reader's context; if that one ended, this reader fetches on its own.
	if err != nil && ctx.Err() == nil && (errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded)) {
		return fetch(ctx)
	}
	list, _ := v.([]T)
	return list, err
}

// Invalidate forgets the list of key; call it after every write that may change it.
func (c *ListCache[T]) Invalidate(key string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.gens == nil {
		c.gens = map[string]uint64{}
	}
	c.gens[key]++
	delete(c.entries, key)
}
