package k6html

import (
	"net/url"

	"github.com/PuerkitoBio/goquery"
	"github.com/dop251/goja"
)

// selectionMethods returns k6's Selection methods (a function: they refer to the builder
// that refers to them).
func selectionMethods() map[string]method {
	return map[string]method{
		"find": func(b *Builder, s *goquery.Selection, c goja.FunctionCall) goja.Value {
			return b.byArg(s, c, "find", s.Find, s.FindSelection)
		},
		"add": func(b *Builder, s *goquery.Selection, c goja.FunctionCall) goja.Value {
			return b.byArg(s, c, "add", s.Add, s.AddSelection)
		},
		"closest": func(b *Builder, s *goquery.Selection, c goja.FunctionCall) goja.Value {
			return b.byArg(s, c, "closest", s.Closest, s.ClosestSelection)
		},
		"has": func(b *Builder, s *goquery.Selection, c goja.FunctionCall) goja.Value {
			return b.byArg(s, c, "has", s.Has, s.HasSelection)
		},
		"not": func(b *Builder, s *goquery.Selection, c goja.FunctionCall) goja.Value {
			if fn, ok := goja.AssertFunction(c.Argument(0)); ok {
				return b.selection(s.NotFunction(b.matcher(fn)))
			}
			return b.byArg(s, c, "not", s.Not, s.NotSelection)
		},
		"filter": func(b *Builder, s *goquery.Selection, c goja.FunctionCall) goja.Value {
			if fn, ok := goja.AssertFunction(c.Argument(0)); ok {
				return b.selection(s.FilterFunction(b.matcher(fn)))
			}
			return b.byArg(s, c, "filter", s.Filter, s.FilterSelection)
		},
		"is": func(b *Builder, s *goquery.Selection, c goja.FunctionCall) goja.Value {
			arg := c.Argument(0)
			if fn, ok := goja.AssertFunction(arg); ok {
				return b.rt.ToValue(s.IsFunction(b.matcher(fn)))
			}
			if other, ok := b.nodes(arg); ok {
				return b.rt.ToValue(s.IsSelection(other))
			}
			return b.rt.ToValue(s.Is(b.selector(arg, "is")))
		},
		"children": adjacent((*goquery.Selection).Children, (*goquery.Selection).ChildrenFiltered),
		"parent":   adjacent((*goquery.Selection).Parent, (*goquery.Selection).ParentFiltered),
		"parents":  adjacent((*goquery.Selection).Parents, (*goquery.Selection).ParentsFiltered),
		"next":     adjacent((*goquery.Selection).Next, (*goquery.Selection).NextFiltered),
		"nextAll":  adjacent((*goquery.Selection).NextAll, (*goquery.Selection).NextAllFiltered),
		"prev":     adjacent((*goquery.Selection).Prev, (*goquery.Selection).PrevFiltered),
		"prevAll":  adjacent((*goquery.Selection).PrevAll, (*goquery.Selection).PrevAllFiltered),
		"siblings": adjacent((*goquery.Selection).Siblings, (*goquery.Selection).SiblingsFiltered),
		"nextUntil": until((*goquery.Selection).NextUntil, (*goquery.Selection).NextUntilSelection,
			(*goquery.Selection).NextFilteredUntil, (*goquery.Selection).NextFilteredUntilSelection),
		"prevUntil": until((*goquery.Selection).PrevUntil, (*goquery.Selection).PrevUntilSelection,
			(*goquery.Selection).PrevFilteredUntil, (*goquery.Selection).PrevFilteredUntilSelection),
		"parentsUntil": until((*goquery.Selection).ParentsUntil, (*goquery.Selection).ParentsUntilSelection,
			(*goquery.Selection).ParentsFilteredUntil, (*goquery.Selection).ParentsFilteredUntilSelection),
		"contents": func(b *Builder, s *goquery.Selection, _ goja.FunctionCall) goja.Value {
			return b.selection(s.Contents())
		},
		"end":   func(b *Builder, s *goquery.Selection, _ goja.FunctionCall) goja.Value { return b.selection(s.End()) },
		"first": func(b *Builder, s *goquery.Selection, _ goja.FunctionCall) goja.Value { return b.selection(s.First()) },
		"last":  func(b *Builder, s *goquery.Selection, _ goja.FunctionCall) goja.Value { return b.selection(s.Last()) },
		"eq": func(b *Builder, s *goquery.Selection, c goja.FunctionCall) goja.Value {
			return b.selection(s.Eq(int(c.Argument(0).ToInteger())))
		},
		"slice": func(b *Builder, s *goquery.Selection, c goja.FunctionCall) goja.Value {
			n := s.Length()
			start, end := clamp(int(c.Argument(0).ToInteger()), n), n
			if e := c.Argument(1); !goja.IsUndefined(e) {
				end = clamp(int(e.ToInteger()), n)
			}
			if end < start {
				end = start
			}
			return b.selection(s.Slice(start, end))
		},
		"size": func(b *Builder, s *goquery.Selection, _ goja.FunctionCall) goja.Value {
			return b.rt.ToValue(s.Length())
		},
		"text": func(b *Builder, s *goquery.Selection, _ goja.FunctionCall) goja.Value { return b.rt.ToValue(s.Text()) },
		"html": func(b *Builder, s *goquery.Selection, _ goja.FunctionCall) goja.Value { return b.html(s) },
		"attr": func(b *Builder, s *goquery.Selection, c goja.FunctionCall) goja.Value {
			if v, ok := s.Attr(c.Argument(0).String()); ok {
				return b.rt.ToValue(v)
			}
			if len(c.Arguments) > 1 {
				return c.Argument(1)
			}
			return goja.Undefined()
		},
		"val":  func(b *Builder, s *goquery.Selection, _ goja.FunctionCall) goja.Value { return b.val(s) },
		"data": func(b *Builder, s *goquery.Selection, c goja.FunctionCall) goja.Value { return b.data(s, c) },
		"each": func(b *Builder, s *goquery.Selection, c goja.FunctionCall) goja.Value {
			fn := b.callback(c.Argument(0), "each")
			for i := range s.Nodes {
				if _, err := fn(c.Argument(0), b.rt.ToValue(i), b.element(s.Eq(i))); err != nil {
					panic(err)
				}
			}
			return c.This
		},
		"map": func(b *Builder, s *goquery.Selection, c goja.FunctionCall) goja.Value {
			fn := b.callback(c.Argument(0), "map")
			out := make([]any, 0, s.Length())
			for i := range s.Nodes {
				v, err := fn(c.Argument(0), b.rt.ToValue(i), b.selection(s.Eq(i)))
				if err != nil {
					panic(err)
				}
				out = append(out, v)
			}
			return b.rt.NewArray(out...)
		},
		"get": func(b *Builder, s *goquery.Selection, c goja.FunctionCall) goja.Value {
			if goja.IsUndefined(c.Argument(0)) {
				out := make([]any, len(s.Nodes))
				for i := range s.Nodes {
					out[i] = b.element(s.Eq(i))
				}
				return b.rt.NewArray(out...)
			}
			i, n := int(c.Argument(0).ToInteger()), s.Length()
			if i >= n || i <= -n {
				return goja.Undefined()
			}
			return b.element(s.Eq(i))
		},
		"toArray": func(b *Builder, s *goquery.Selection, _ goja.FunctionCall) goja.Value {
			out := make([]any, len(s.Nodes))
			for i := range s.Nodes {
				out[i] = b.selection(s.Eq(i))
			}
			return b.rt.NewArray(out...)
		},
		"index": func(b *Builder, s *goquery.Selection, c goja.FunctionCall) goja.Value {
			arg := c.Argument(0)
			switch {
			case goja.IsUndefined(arg):
				return b.rt.ToValue(s.Index())
			case isString(arg):
				return b.rt.ToValue(s.IndexSelector(arg.String()))
			}
			if other, ok := b.nodes(arg); ok {
				return b.rt.ToValue(s.IndexOfSelection(other))
			}
			return b.rt.ToValue(-1)
		},
		"serializeArray": func(b *Builder, s *goquery.Selection, _ goja.FunctionCall) goja.Value {
			fields := b.formFields(s)
			out := make([]any, len(fields))
			for i, f := range fields {
				o := b.rt.NewObject()
				_ = o.Set("name", f.name)
				_ = o.Set("value", f.value)
				out[i] = o
			}
			return b.rt.NewArray(out...)
		},
		"serializeObject": func(b *Builder, s *goquery.Selection, _ goja.FunctionCall) goja.Value {
			o := b.rt.NewObject()
			for _, f := range b.formFields(s) {
				_ = o.Set(f.name, f.value)
			}
			return o
		},
		"serialize": func(b *Builder, s *goquery.Selection, _ goja.FunctionCall) goja.Value {
			vals := url.Values{}
			for _, f := range b.formFields(s) {
				switch v := f.value.Export().(type) {
				case string:
					vals.Set(f.name, v)
				case []string:
					vals[f.name] = v
				}
			}
			return b.rt.ToValue(vals.Encode())
		},
	}
}

// adjacent builds a traversal method with an optional selector filter (children, parent, ...).
func adjacent(all func(*goquery.Selection) *goquery.Selection, filtered func(*goquery.Selection, string) *goquery.Selection) method {
	return func(b *Builder, s *goquery.Selection, c goja.FunctionCall) goja.Value {
		if arg := c.Argument(0); !goja.IsUndefined(arg) {
			return b.selection(filtered(s, arg.String()))
		}
		return b.selection(all(s))
	}
}

// until builds a traversal that stops before what its first argument matches (a selector, a
// Selection, or nothing: no stop), optionally filtered by the selector of its second (k6's
// nextUntil, prevUntil, parentsUntil).
func until(bySelector func(*goquery.Selection, string) *goquery.Selection,
	bySelection func(*goquery.Selection, *goquery.Selection) *goquery.Selection,
	filteredBySelector func(*goquery.Selection, string, string) *goquery.Selection,
	filteredBySelection func(*goquery.Selection, string, *goquery.Selection) *goquery.Selection) method {
	return func(b *Builder, s *goquery.Selection, c goja.FunctionCall) goja.Value {
		stop, filter := c.Argument(0), c.Argument(1)
		filtered := !goja.IsUndefined(filter) && !goja.IsNull(filter)
		if other, ok := b.nodes(stop); ok {
			if filtered {
				return b.selection(filteredBySelection(s, filter.String(), other))
			}
			return b.selection(bySelection(s, other))
		}
		sel := ""
		if !goja.IsUndefined(stop) && !goja.IsNull(stop) {
			sel = b.selector(stop, "until")
		}
		if filtered {
			return b.selection(filteredBySelector(s, filter.String(), sel))
		}
		return b.selection(bySelector(s, sel))
	}
}

// byArg runs a method that takes a selector string or a Selection/Element.
func (b *Builder) byArg(_ *goquery.Selection, c goja.FunctionCall, name string,
	bySelector func(string) *goquery.Selection, bySelection func(*goquery.Selection) *goquery.Selection) goja.Value {
	if other, ok := b.nodes(c.Argument(0)); ok {
		return b.selection(bySelection(other))
	}
	return b.selection(bySelector(b.selector(c.Argument(0), name)))
}

// selector returns v as a selector string, throwing for anything else.
func (b *Builder) selector(v goja.Value, name string) string {
	if !isString(v) {
		panic(b.rt.NewTypeError(name + "(): the argument must be a selector string, a Selection or an Element"))
	}
	return v.String()
}

// matcher adapts a JavaScript predicate fn(index, element) for goquery.
func (b *Builder) matcher(fn goja.Callable) func(int, *goquery.Selection) bool {
	return func(i int, s *goquery.Selection) bool {
		v, err := fn(goja.Undefined(), b.rt.ToValue(i), b.element(s))
		if err != nil {
			panic(err)
		}
		return v.ToBoolean()
	}
}

func (b *Builder) callback(v goja.Value, name string) goja.Callable {
	fn, ok := goja.AssertFunction(v)
	if !ok {
		panic(b.rt.NewTypeError(name + "(): the argument must be a function"))
	}
	return fn
}

func (b *Builder) html(s *goquery.Selection) goja.Value {
	h, err := s.Html()
	if err != nil || s.Length() == 0 {
		return goja.Undefined()
	}
	return b.rt.ToValue(h)
}

func isString(v goja.Value) bool {
	_, ok := v.Export().(string)
	return ok
}

func clamp(i, n int) int {
	if i < 0 {
		i += n
	}
	return min(max(i, 0), n)
}
