package jsapi

import (
	"reflect"
	"slices"

	"github.com/dop251/goja"

	"github.com/nnprotect/nnjs/engine/metrics"
)

// vuTags is k6/execution's vu.tags (and vu.metrics.tags): the tags of the VU's next samples.
// Setting one tags every later sample of the VU, for the rest of its scenario (the next
// scenario starts again from its own tags), as in k6; deleting one removes it. Values are
// strings; numbers and booleans are converted, other types throw a TypeError, as in k6.
type vuTags struct{ v *vu }

func (t vuTags) Get(key string) goja.Value {
	if val, ok := t.v.tags.Get(key); ok {
		return t.v.rt.ToValue(val)
	}
	return nil
}

func (t vuTags) Set(key string, val goja.Value) bool {
	s := t.v.userTagValue("tag", key, val)
	t.v.changeVUTags(func(tags *metrics.Tags) *metrics.Tags { return tags.With(key, s) })
	return true
}

func (t vuTags) Has(key string) bool {
	_, ok := t.v.tags.Get(key)
	return ok
}

func (t vuTags) Delete(key string) bool {
	t.v.changeVUTags(func(tags *metrics.Tags) *metrics.Tags {
		if _, ok := tags.Get(key); !ok {
			return tags
		}
		m := tags.Map()
		delete(m, key)
		return metrics.NewTags(m)
	})
	return true
}

func (t vuTags) Keys() []string {
	m := t.v.tags.Map()
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// vuMetadata is k6/execution's vu.metrics.metadata: key/value pairs k6 attaches to each
// sample without indexing them (a trace id). nnjs keeps them per VU and scenario with k6's
// rules, but does not attach them to samples (its JSON output carries none).
type vuMetadata struct{ v *vu }

func (m vuMetadata) Get(key string) goja.Value {
	if val, ok := m.v.metadata[key]; ok {
		return m.v.rt.ToValue(val)
	}
	return nil
}

func (m vuMetadata) Set(key string, val goja.Value) bool {
	s := m.v.userTagValue("metadata", key, val)
	if m.v.metadata == nil {
		m.v.metadata = map[string]string{}
	}
	m.v.metadata[key] = s
	return true
}

func (m vuMetadata) Has(key string) bool {
	_, ok := m.v.metadata[key]
	return ok
}

func (m vuMetadata) Delete(key string) bool {
	delete(m.v.metadata, key)
	return true
}

func (m vuMetadata) Keys() []string {
	keys := make([]string, 0, len(m.v.metadata))
	for k := range m.v.metadata {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// userTagValue converts a tag or metadata value as k6 does: strings, numbers and booleans
// become their string form; anything else throws a TypeError. Setting one in the init code
// throws too (k6 has no VU state there).
func (v *vu) userTagValue(what, key string, val goja.Value) string {
	if v.inInit {
		v.throw("k6/execution: setting the VU's %s %q in the init code is not supported", what, key)
	}
	kind := reflect.Invalid
	if typ := val.ExportType(); typ != nil {
		kind = typ.Kind()
	}
	switch kind {
	case reflect.String, reflect.Bool, reflect.Int64, reflect.Float64:
		return val.String()
	}
	v.throw("k6/execution: invalid value for metric %s %q: only String, Boolean and Number types are accepted", what, key)
	return ""
}

// changeVUTags applies change to the VU's current tags and to its scenario's base tags, so
// that the change holds for the rest of the scenario's iterations (as k6's VU state tags).
// A change that changes nothing keeps the same tag set, so that a script setting the same tag
// every iteration keeps hitting the VU's tag caches.
func (v *vu) changeVUTags(change func(*metrics.Tags) *metrics.Tags) {
	same := v.tags == v.act.tags // outside of any group: one set serves both
	v.tags = changed(v.tags, change)
	switch {
	case !v.act.active:
	case same:
		v.act.tags = v.tags
	default:
		v.act.tags = changed(v.act.tags, change)
	}
}

func changed(t *metrics.Tags, change func(*metrics.Tags) *metrics.Tags) *metrics.Tags {
	if nt := change(t); nt.Key() != t.Key() {
		return nt
	}
	return t
}
