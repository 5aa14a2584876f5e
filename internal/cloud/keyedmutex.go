package cloud

import (
	"context"
	"sync"
)

// keyedMutex is a set of locks created on demand, one per key, dropped when nobody holds or waits for them.
// Waiting honours the context, so a timeout or Ctrl-C does not hang behind another write.
type keyedMutex struct {
	mu    sync.Mutex
	locks map[string]*refLock
}

type refLock struct {
	held chan struct{} // capacity 1: holding the lock is having put a token in
	refs int
}

func (k *keyedMutex) lock(ctx context.Context, key string) (unlock func(), err error) {
	k.mu.Lock()
	if k.locks == nil {
		k.locks = map[string]*refLock{}
	}
	m := k.locks[key]
	if m == nil {
		m = &refLock{held: make(chan struct{}, 1)}
		k.locks[key] = m
	}
	m.refs++
	k.mu.Unlock()

	release := func() {
		k.mu.Lock()
		m.refs--
		if m.refs == 0 {
			delete(k.locks, key)
		}
		k.mu.Unlock()
	}
	select {
	case m.held <- struct{}{}:
		return func() { <-m.held; release() }, nil
	case <-ctx.Done():
		release()
		return nil, ctx.Err()
	}
}
