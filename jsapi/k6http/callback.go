package k6http

import (
	"math"
	"strings"

	"github.com/dop251/goja"
)

// statusSet is what http.expectedStatuses() returns: the statuses a response callback counts
// as expected. It is immutable once built, so batch workers may read it.
type statusSet struct {
	codes  []int
	ranges [][2]int
}

// defaultExpected is k6's default response callback: 200–399.
var defaultExpected = &statusSet{ranges: [][2]int{{200, 399}}}

func (s *statusSet) expected(status int) bool {
	for _, c := range s.codes {
		if c == status {
			return true
		}
	}
	for _, r := range s.ranges {
		if status >= r[0] && status <= r[1] {
			return true
		}
	}
	return false
}

// expectedStatuses implements http.expectedStatuses(...codes | {min, max}).
func (in *instance) expectedStatuses(call goja.FunctionCall) goja.Value {
	s := &statusSet{}
	for i, arg := range call.Arguments {
		if code, ok := integer(arg); ok {
			s.codes = append(s.codes, code)
			continue
		}
		obj, ok := arg.(*goja.Object)
		if !ok {
			panic(in.rt.NewTypeError("expectedStatuses: argument %d must be an integer or {min, max}", i+1))
		}
		lo, okLo := integer(obj.Get("min"))
		hi, okHi := integer(obj.Get("max"))
		if !okLo || !okHi {
			panic(in.rt.NewTypeError("expectedStatuses: argument %d needs integer min and max", i+1))
		}
		s.ranges = append(s.ranges, [2]int{lo, hi})
	}
	return in.rt.ToValue(s)
}

// setResponseCallback implements http.setResponseCallback(cb): null disables http_req_failed
// and the expected_response tag for this VU.
func (in *instance) setResponseCallback(call goja.FunctionCall) goja.Value {
	cb, err := in.callbackValue(call.Argument(0))
	if err != nil {
		panic(in.rt.NewTypeError("setResponseCallback: %s", err.Error()))
	}
	in.callback = cb
	return goja.Undefined()
}

// callbackValue reads a response callback: nil for null/undefined, else an expectedStatuses().
func (in *instance) callbackValue(v goja.Value) (*statusSet, error) {
	if goja.IsUndefined(v) || goja.IsNull(v) {
		return nil, nil
	}
	if obj, ok := v.(*goja.Object); ok {
		if s, ok := obj.Export().(*statusSet); ok {
			return s, nil
		}
	}
	return nil, errCallbackType
}

// integer returns v as an int when it is a number with an integral value.
func integer(v goja.Value) (int, bool) {
	if v == nil || goja.IsUndefined(v) || goja.IsNull(v) {
		return 0, false
	}
	switch x := v.Export().(type) {
	case int64:
		return int(x), true
	case float64:
		if x == math.Trunc(x) && !math.IsInf(x, 0) {
			return int(x), true
		}
	}
	return 0, false
}

// taggedURL is what the http.url`...` template returns: the URL and a stable name tag.
type taggedURL struct {
	url, name string
}

// String makes the object usable wherever a URL string is.
func (u *taggedURL) String() string { return u.url }

// urlTemplate implements the http.url tagged template: the name tag is the template with
// every substitution replaced by "${}".
func (in *instance) urlTemplate(call goja.FunctionCall) goja.Value {
	strs, ok := call.Argument(0).(*goja.Object)
	if !ok {
		panic(in.rt.NewTypeError("http.url must be used as a tagged template: http.url`...`"))
	}
	n := int(strs.Get("length").ToInteger())
	var u, name strings.Builder
	for i := range n {
		part := strs.Get(itoa(i)).String()
		u.WriteString(part)
		name.WriteString(part)
		if i+1 < n {
			u.WriteString(call.Argument(i + 1).String())
			name.WriteString("${}")
		}
	}
	return in.rt.ToValue(&taggedURL{url: u.String(), name: name.String()})
}
