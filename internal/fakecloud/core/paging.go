package core

import (
	"net/url"
	"strconv"
)

// Paging is one service's rule for lists paged with offset and limit, and the names of the counts its
// answers carry beside the page.
type Paging struct {
	DefaultLimit, MaxLimit int
	Invalid                ErrorDef // %s: the parameter whose value is not a whole number
	TotalKey               string   // every match: "total" on the gateways, "total_count" on ModelArts
	SizeKey                string   // the items in this page: "size" on the gateways, "count" on ModelArts
}

// Page is the window of one list call.
type Page struct{ Offset, Limit int }

// Page reads offset and limit: a negative offset counts as 0, a limit of 0 or less as the default, one above
// the maximum as the maximum.
func (p Paging) Page(q url.Values) (Page, *Error) {
	pg := Page{Limit: p.DefaultLimit}
	for _, f := range []struct {
		name string
		dst  *int
	}{{"offset", &pg.Offset}, {"limit", &pg.Limit}} {
		if v := q.Get(f.name); v != "" {
			n, err := strconv.Atoi(v)
			if err != nil {
				return Page{}, p.Invalid.With(f.name)
			}
			*f.dst = n
		}
	}
	pg.Offset = max(pg.Offset, 0)
	if pg.Limit <= 0 {
		pg.Limit = p.DefaultLimit
	}
	pg.Limit = min(pg.Limit, p.MaxLimit)
	return pg, nil
}

// Paged answers a list call: items are every match, in order; the answer holds the page of them the query's
// offset and limit ask for under key, and the two counts.
func Paged[T any](p Paging, q url.Values, key string, items []T) (Reply, *Error) {
	pg, err := p.Page(q)
	if err != nil {
		return Fail(err)
	}
	start := min(pg.Offset, len(items))
	end := min(start+pg.Limit, len(items))
	window := append([]T{}, items[start:end]...)
	return OK(map[string]any{p.TotalKey: len(items), p.SizeKey: len(window), key: window})
}
