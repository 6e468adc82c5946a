package executor

import (
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strings"
)

// Type is one executor type: its k6 name and a constructor of its default config.
type Type struct {
	Name string
	// New returns a pointer to a config of this type with its defaults, for scenario name;
	// Decode fills it from JSON.
	New func(name string) Config
}

// Builtin returns the executor types nnjs implements.
func Builtin() []Type {
	return []Type{
		{SharedIterationsType, func(n string) Config { return NewSharedIterations(n) }},
		{PerVUIterationsType, func(n string) Config { return NewPerVUIterations(n) }},
		{ConstantVUsType, func(n string) Config { return NewConstantVUs(n) }},
		{RampingVUsType, func(n string) Config { return NewRampingVUs(n) }},
		{ConstantArrivalRateType, func(n string) Config { return NewConstantArrivalRate(n) }},
		{RampingArrivalRateType, func(n string) Config { return NewRampingArrivalRate(n) }},
	}
}

// Registry maps executor names to types. Build it with NewRegistry; it is read-only after.
type Registry struct {
	types map[string]Type
}

// NewRegistry returns a registry of the given types (usually Builtin()).
func NewRegistry(types ...Type) *Registry {
	r := &Registry{types: make(map[string]Type, len(types))}
	for _, t := range types {
		r.types[t.Name] = t
	}
	return r
}

// Names returns the registered executor names, sorted.
func (r *Registry) Names() []string {
	names := make([]string, 0, len(r.types))
	for n := range r.types {
		names = append(names, n)
	}
	slices.Sort(names)
	return names
}

// Decode decodes one `options.scenarios.<name>` object into its executor's config, with
// defaults for what it leaves out. It does not validate; errors are *FieldError with paths
// relative to the scenario.
func (r *Registry) Decode(name string, raw json.RawMessage) (Config, error) {
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(raw, &fields); err != nil || fields == nil {
		return nil, fieldErr("", "must be an object with an executor (allowed: %s)", r.allowed())
	}
	var typ string
	if err := json.Unmarshal(fields["executor"], &typ); err != nil || typ == "" {
		return nil, fieldErr("executor", "missing or not a string (allowed: %s)", r.allowed())
	}
	t, ok := r.types[typ]
	if !ok {
		return nil, fieldErr("executor", "unknown executor %q (allowed: %s)", typ, r.allowed())
	}
	cfg := t.New(name)
	if err := decodeFields(cfg, fields); err != nil {
		return nil, err
	}
	return cfg, nil
}

func (r *Registry) allowed() string { return strings.Join(r.Names(), ", ") }

// decodeFields decodes each field on its own so that an error names its option.
func decodeFields(cfg Config, fields map[string]json.RawMessage) error {
	known := jsonKeys(reflect.TypeOf(cfg).Elem())
	keys := make([]string, 0, len(fields))
	for k := range fields {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	var errs []error
	for _, k := range keys {
		if !slices.Contains(known, k) {
			errs = append(errs, fieldErr(k, "unknown option (allowed: %s)", strings.Join(known, ", ")))
			continue
		}
		one, err := json.Marshal(map[string]json.RawMessage{k: fields[k]})
		if err != nil {
			errs = append(errs, fieldErr(k, "%v", err))
			continue
		}
		if err := json.Unmarshal(one, cfg); err != nil {
			errs = append(errs, fieldErr(k, "%s", describeJSONError(err)))
		}
	}
	return errors.Join(errs...)
}

// jsonKeys returns the JSON names of a struct's fields, embedded structs included, in order.
func jsonKeys(t reflect.Type) []string {
	var keys []string
	for i := range t.NumField() {
		f := t.Field(i)
		if f.Anonymous && f.Type.Kind() == reflect.Struct {
			keys = append(keys, jsonKeys(f.Type)...)
			continue
		}
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if name != "" && name != "-" {
			keys = append(keys, name)
		}
	}
	return keys
}

// describeJSONError turns encoding/json's Go-flavoured messages into option-level ones.
func describeJSONError(err error) string {
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		return fmt.Sprintf("expected %s, got %s", kindName(te.Type), te.Value)
	}
	return err.Error()
}

func kindName(t reflect.Type) string {
	switch {
	case t.Name() == "Duration":
		return "a duration such as \"30s\" or a number of milliseconds"
	case t.Kind() == reflect.Int64 || t.Kind() == reflect.Int:
		return "an integer"
	case t.Kind() == reflect.String:
		return "a string"
	case t.Kind() == reflect.Map && t.Elem().Kind() == reflect.String:
		return "an object of strings"
	case t.Kind() == reflect.Map:
		return "an object"
	case t.Kind() == reflect.Slice:
		return "an array"
	case t.Kind() == reflect.Struct:
		return "an object"
	}
	return t.String()
}
