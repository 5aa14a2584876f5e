package core

import (
	"encoding/binary"
	"fmt"
	"hash/fnv"
	"net/http"
	"strings"
)

// Chaos makes a share of all requests fail at random, for tests that prove the provider keeps track under any
// mix of failures. Whether a request fails, and how, is a pure function of the seed, the request (method, path
// and query) and how many times the same request was seen before, so replaying a seed replays the same
// failures for the same requests whatever order concurrent requests arrive in.
type Chaos struct {
	Seed int64
	Rate float64 // the share of requests that fail, 0 to 1
	// Faults are the ways a request may fail; each chosen failure is one of those whose Method and PathRegexp
	// match the request, picked by the same function. Skip and Times are ignored.
	Faults []Fault
	// Throttles, when set, replace the server's throttling policies (SetThrottles): the front door's 429s come
	// on top of the random failures, whenever a caller goes over a policy.
	Throttles Throttles
}

type chaos struct {
	Chaos
	faults []*activeFault
	seen   map[string]uint64 // occurrences per request, under Server.mu
}

// SetChaos turns random failures on, replacing any chaos set before; nil turns them off. Injected faults
// (InjectFault) still come first. It fails on an invalid PathRegexp or a rate outside 0..1.
func (s *Server) SetChaos(c *Chaos) error {
	if c == nil {
		s.mu.Lock()
		s.chaos = nil
		s.mu.Unlock()
		return nil
	}
	if c.Rate < 0 || c.Rate > 1 {
		return fmt.Errorf("fakecloud: chaos rate %v is outside 0..1", c.Rate)
	}
	ch := &chaos{Chaos: *c, seen: map[string]uint64{}}
	for _, f := range c.Faults {
		af, err := newActiveFault(f)
		if err != nil {
			return err
		}
		ch.faults = append(ch.faults, af)
	}
	if c.Throttles != (Throttles{}) {
		if err := s.SetThrottles(c.Throttles); err != nil {
			return err
		}
	}
	s.mu.Lock()
	s.chaos = ch
	s.mu.Unlock()
	return nil
}

// pick decides the fate of r; the caller holds Server.mu. Admin endpoints never reach it.
func (c *chaos) pick(r *http.Request) *Fault {
	key := r.Method + " " + r.URL.Path + "?" + r.URL.RawQuery
	n := c.seen[key]
	c.seen[key] = n + 1
	h := fnv.New64a()
	var buf [16]byte
	binary.LittleEndian.PutUint64(buf[:8], uint64(c.Seed))
	binary.LittleEndian.PutUint64(buf[8:], n)
	h.Write(buf[:])
	h.Write([]byte(key))
	x := mix(h.Sum64())
	// The top 32 bits decide whether it fails, the bottom 32 which way.
	if float64(x>>32)/(1<<32) >= c.Rate {
		return nil
	}
	var matching []*activeFault
	for _, af := range c.faults {
		if (af.Method == "" || strings.EqualFold(af.Method, r.Method)) && af.path.MatchString(r.URL.Path) {
			matching = append(matching, af)
		}
	}
	if len(matching) == 0 {
		return nil
	}
	f := matching[(x&0xffffffff)%uint64(len(matching))].Fault
	return &f
}

// mix is splitmix64's finaliser: FNV alone leaves the high bits of similar keys alike.
func mix(x uint64) uint64 {
	x ^= x >> 30
	x *= 0xbf58476d1ce4e5b9
	x ^= x >> 27
	x *= 0x94d049bb133111eb
	return x ^ x>>31
}
