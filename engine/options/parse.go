package options

import (
	"bytes"
	"encoding/json"
	"fmt"
	"maps"
	"reflect"
	"slices"
	"strings"
)

// known is the set of JSON keys that Options decodes itself.
var known = func() map[string]bool {
	m := map[string]bool{}
	t := reflect.TypeOf(Options{})
	for i := 0; i < t.NumField(); i++ {
		name, _, _ := strings.Cut(t.Field(i).Tag.Get("json"), ",")
		if name != "" && name != "-" {
			m[name] = true
		}
	}
	return m
}()

// Keys returns the option keys Options decodes itself, sorted.
func Keys() []string {
	return slices.Sorted(maps.Keys(known))
}

// Parse decodes the JSON of a script's `options` export. Unknown keys are kept in Extra.
// Errors name the option that is wrong.
func Parse(data []byte) (Options, error) {
	var o Options
	data = bytes.TrimSpace(data)
	if len(data) == 0 || string(data) == "null" || string(data) == "undefined" {
		return o, nil
	}
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(data, &raw); err != nil {
		return o, fmt.Errorf("options: %w", err)
	}
	for key, val := range raw {
		if !known[key] {
			if o.Extra == nil {
				o.Extra = map[string]json.RawMessage{}
			}
			o.Extra[key] = val
			continue
		}
		one, _ := json.Marshal(map[string]json.RawMessage{key: val})
		if err := json.Unmarshal(one, &o); err != nil {
			return Options{}, fmt.Errorf("options.%s: %w", key, err)
		}
	}
	return o, nil
}

// Apply returns o with every field that is set in over replacing o's (CLI flags over script
// options, as in k6). Maps and slices replace whole. As in k6, execution is replaced as a
// block: when over sets duration, iterations, stages or scenarios, o's duration, iterations,
// stages and scenarios are all dropped first (vus stays, so `-d 5s` keeps the script's vus).
func (o Options) Apply(over Options) Options {
	if over.Duration != nil || over.Iterations != nil || over.Stages != nil || over.Scenarios != nil {
		o.Duration, o.Iterations, o.Stages, o.Scenarios = nil, nil, nil, nil
	}
	dst := reflect.ValueOf(&o).Elem()
	src := reflect.ValueOf(over)
	for i := 0; i < src.NumField(); i++ {
		f := src.Field(i)
		if !f.IsZero() {
			dst.Field(i).Set(f)
		}
	}
	return o
}

// MarshalJSON writes the set options and the extra ones (for `nnjs inspect`).
func (o Options) MarshalJSON() ([]byte, error) {
	type plain Options
	b, err := json.Marshal(plain(o))
	if err != nil || len(o.Extra) == 0 {
		return b, err
	}
	var m map[string]json.RawMessage
	if err := json.Unmarshal(b, &m); err != nil {
		return nil, err
	}
	for k, v := range o.Extra {
		if _, ok := m[k]; !ok {
			m[k] = v
		}
	}
	return json.Marshal(m)
}
