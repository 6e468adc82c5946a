package k6core

import "github.com/nnprotect/nnjs/engine/metrics"

// tagCache memoises base.With(key, value) so that a check or group in a loop does not build
// a new tag set every iteration. It belongs to one VU; the nil cache is empty and allocates on
// first use.
type tagCache map[tagKey]*metrics.Tags

type tagKey struct {
	base       *metrics.Tags
	key, value string
}

// maxTagCache bounds the cache when names are generated (e.g. contain an id).
const maxTagCache = 4096

func (c *tagCache) with(base *metrics.Tags, key, value string) *metrics.Tags {
	k := tagKey{base, key, value}
	if t, ok := (*c)[k]; ok {
		return t
	}
	t := base.With(key, value)
	switch {
	case *c == nil:
		*c = make(tagCache)
	case len(*c) >= maxTagCache:
		clear(*c)
	}
	(*c)[k] = t
	return t
}
