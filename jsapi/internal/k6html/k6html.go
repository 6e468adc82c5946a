package k6html

import (
	"fmt"
	"strings"

	"github.com/PuerkitoBio/goquery"
	"github.com/dop251/goja"

	"github.com/nnprotect/nnjs/jsapi/modules"
)

// New returns the k6/html module.
func New() modules.Module { return modules.ModuleFunc(newInstance) }

func newInstance(vu modules.VU) (*goja.Object, error) {
	b := NewBuilder(vu.Runtime())
	obj := vu.Runtime().NewObject()
	if err := obj.Set("parseHTML", func(src goja.Value) goja.Value { return b.Parse(src.String()) }); err != nil {
		return nil, fmt.Errorf("k6/html: %w", err)
	}
	return obj, nil
}

// Builder makes the JavaScript Selection and Element objects of one runtime. Their methods
// live on two prototypes built on first use; each object keeps its Go node set under a
// private symbol. It is used by the runtime's goroutine only.
type Builder struct {
	rt        *goja.Runtime
	key       *goja.Symbol
	selProto  *goja.Object
	elemProto *goja.Object
}

// NewBuilder returns a Builder for rt.
func NewBuilder(rt *goja.Runtime) *Builder {
	return &Builder{rt: rt, key: goja.NewSymbol("k6html")}
}

// Parse parses an HTML document (as a browser would: never an error) and returns its
// Selection.
func (b *Builder) Parse(src string) goja.Value {
	doc, err := goquery.NewDocumentFromReader(strings.NewReader(src))
	if err != nil {
		panic(b.rt.NewGoError(fmt.Errorf("parseHTML: %w", err)))
	}
	return b.selection(doc.Selection)
}

// selection wraps s in a JavaScript Selection.
func (b *Builder) selection(s *goquery.Selection) *goja.Object {
	if b.selProto == nil {
		b.selProto = b.newProto(selectionMethods())
	}
	return b.wrap(b.selProto, s)
}

// element wraps the single node of s in a JavaScript Element.
func (b *Builder) element(s *goquery.Selection) *goja.Object {
	if b.elemProto == nil {
		b.elemProto = b.newProto(elementMethods())
	}
	return b.wrap(b.elemProto, s)
}

func (b *Builder) wrap(proto *goja.Object, s *goquery.Selection) *goja.Object {
	o := b.rt.NewObject()
	if err := o.SetPrototype(proto); err != nil {
		panic(err)
	}
	if err := o.DefineDataPropertySymbol(b.key, b.rt.ToValue(s), goja.FLAG_FALSE, goja.FLAG_FALSE, goja.FLAG_FALSE); err != nil {
		panic(err)
	}
	return o
}

// method is one prototype method: it gets the receiver's node set and the call.
type method func(b *Builder, s *goquery.Selection, call goja.FunctionCall) goja.Value

func (b *Builder) newProto(methods map[string]method) *goja.Object {
	proto := b.rt.NewObject()
	for name, m := range methods {
		fn := func(call goja.FunctionCall) goja.Value { return m(b, b.receiver(call.This, name), call) }
		if err := proto.Set(name, fn); err != nil {
			panic(err)
		}
	}
	return proto
}

// receiver returns the node set of this, throwing when this is not one of ours.
func (b *Builder) receiver(this goja.Value, name string) *goquery.Selection {
	if s, ok := b.nodes(this); ok {
		return s
	}
	panic(b.rt.NewTypeError(name + "() called on an object that is not a k6/html Selection or Element"))
}

// nodes returns the node set of v when it is a Selection or Element of this builder.
func (b *Builder) nodes(v goja.Value) (*goquery.Selection, bool) {
	o, ok := v.(*goja.Object)
	if !ok {
		return nil, false
	}
	sym := o.GetSymbol(b.key)
	if sym == nil {
		return nil, false
	}
	s, ok := sym.Export().(*goquery.Selection)
	return s, ok
}

// ParseSelection parses src and returns the JavaScript Selection of selector within it (the
// whole document when selector is ""), and the Go node set behind it.
func (b *Builder) ParseSelection(src, selector string) (goja.Value, *goquery.Selection) {
	doc, err := goquery.NewDocumentFromReader(strings.NewReader(src))
	if err != nil {
		panic(b.rt.NewGoError(fmt.Errorf("html: %w", err)))
	}
	s := doc.Selection
	if selector != "" {
		s = s.Find(selector)
	}
	return b.selection(s), s
}

// FormObject returns what serializeObject() returns for form: the values a submit would send.
func (b *Builder) FormObject(form *goquery.Selection) *goja.Object {
	o := b.rt.NewObject()
	for _, f := range b.formFields(form) {
		_ = o.Set(f.name, f.value)
	}
	return o
}
