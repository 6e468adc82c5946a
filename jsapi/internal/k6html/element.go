package k6html

import (
	"github.com/PuerkitoBio/goquery"
	"github.com/dop251/goja"
	"golang.org/x/net/html"
)

// elementMethods returns the DOM methods of k6's Element that nnjs implements (see README).
func elementMethods() map[string]method {
	str := func(f func(s *goquery.Selection) string) method {
		return func(b *Builder, s *goquery.Selection, _ goja.FunctionCall) goja.Value { return b.rt.ToValue(f(s)) }
	}
	m := navMethods()
	for k, v := range map[string]method{
		"nodeName":    str(goquery.NodeName),
		"textContent": str((*goquery.Selection).Text),
		"id":          str(func(s *goquery.Selection) string { return s.AttrOr("id", "") }),
		"className": func(b *Builder, s *goquery.Selection, _ goja.FunctionCall) goja.Value {
			if v, ok := s.Attr("class"); ok {
				return b.rt.ToValue(v)
			}
			return goja.Undefined()
		},
		"innerHTML": func(b *Builder, s *goquery.Selection, _ goja.FunctionCall) goja.Value {
			return b.html(s)
		},
		"nodeType": func(b *Builder, s *goquery.Selection, _ goja.FunctionCall) goja.Value {
			return b.rt.ToValue(nodeType(s.Nodes[0].Type))
		},
		"getAttribute": func(b *Builder, s *goquery.Selection, c goja.FunctionCall) goja.Value {
			if v, ok := s.Attr(c.Argument(0).String()); ok {
				return b.rt.ToValue(v)
			}
			return goja.Undefined()
		},
		"hasAttribute": func(b *Builder, s *goquery.Selection, c goja.FunctionCall) goja.Value {
			_, ok := s.Attr(c.Argument(0).String())
			return b.rt.ToValue(ok)
		},
		"hasAttributes": func(b *Builder, s *goquery.Selection, _ goja.FunctionCall) goja.Value {
			return b.rt.ToValue(len(s.Nodes[0].Attr) > 0)
		},
		"attributes": func(b *Builder, s *goquery.Selection, _ goja.FunctionCall) goja.Value {
			out := b.rt.NewObject()
			for _, a := range s.Nodes[0].Attr {
				attr := b.rt.NewObject()
				_ = attr.Set("name", a.Key)
				_ = attr.Set("value", a.Val)
				_ = out.Set(a.Key, attr)
			}
			return out
		},
	} {
		m[k] = v
	}
	return m
}

// nodeType is the DOM nodeType of t (1 element, 3 text, 8 comment, 9 document, 10 doctype).
func nodeType(t html.NodeType) int {
	switch t {
	case html.ElementNode:
		return 1
	case html.TextNode:
		return 3
	case html.CommentNode:
		return 8
	case html.DocumentNode:
		return 9
	case html.DoctypeNode:
		return 10
	}
	return 0
}
