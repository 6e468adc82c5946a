package k6html

import (
	"strings"

	"github.com/PuerkitoBio/goquery"
	"github.com/dop251/goja"
	"golang.org/x/net/html"
)

// navMethods are k6's Element methods that walk the tree or query below an element.
func navMethods() map[string]method {
	node := func(next func(n *html.Node) *html.Node) method {
		return func(b *Builder, s *goquery.Selection, _ goja.FunctionCall) goja.Value {
			return b.nodeElement(s, next(s.Nodes[0]))
		}
	}
	sel := func(next func(s *goquery.Selection) *goquery.Selection) method {
		return func(b *Builder, s *goquery.Selection, _ goja.FunctionCall) goja.Value {
			if n := next(s); n.Length() > 0 {
				return b.element(n.First())
			}
			return goja.Undefined()
		}
	}
	list := func(all func(s *goquery.Selection, c goja.FunctionCall) *goquery.Selection) method {
		return func(b *Builder, s *goquery.Selection, c goja.FunctionCall) goja.Value {
			found := all(s, c)
			out := make([]any, found.Length())
			for i := range found.Nodes {
				out[i] = b.element(found.Eq(i))
			}
			return b.rt.NewArray(out...)
		}
	}
	return map[string]method{
		"firstChild":             node(func(n *html.Node) *html.Node { return n.FirstChild }),
		"lastChild":              node(func(n *html.Node) *html.Node { return n.LastChild }),
		"previousSibling":        node(func(n *html.Node) *html.Node { return n.PrevSibling }),
		"nextSibling":            node(func(n *html.Node) *html.Node { return n.NextSibling }),
		"parentNode":             node(func(n *html.Node) *html.Node { return n.Parent }),
		"firstElementChild":      sel(func(s *goquery.Selection) *goquery.Selection { return s.Children().First() }),
		"lastElementChild":       sel(func(s *goquery.Selection) *goquery.Selection { return s.Children().Last() }),
		"previousElementSibling": sel((*goquery.Selection).Prev),
		"nextElementSibling":     sel((*goquery.Selection).Next),
		"parentElement":          sel((*goquery.Selection).Parent),
		"children":               list(func(s *goquery.Selection, _ goja.FunctionCall) *goquery.Selection { return s.Children() }),
		"childNodes":             list(func(s *goquery.Selection, _ goja.FunctionCall) *goquery.Selection { return s.Contents() }),
		"querySelectorAll": list(func(s *goquery.Selection, c goja.FunctionCall) *goquery.Selection {
			return s.Find(c.Argument(0).String())
		}),
		"getElementsByClassName": list(func(s *goquery.Selection, c goja.FunctionCall) *goquery.Selection {
			return s.Find("." + c.Argument(0).String())
		}),
		"getElementsByTagName": list(func(s *goquery.Selection, c goja.FunctionCall) *goquery.Selection {
			return s.Find(c.Argument(0).String())
		}),
		"querySelector": func(b *Builder, s *goquery.Selection, c goja.FunctionCall) goja.Value {
			if found := s.Find(c.Argument(0).String()); found.Length() > 0 {
				return b.element(found.First())
			}
			return goja.Undefined()
		},
		"childElementCount": func(b *Builder, s *goquery.Selection, _ goja.FunctionCall) goja.Value {
			return b.rt.ToValue(s.Children().Length())
		},
		"hasChildNodes": func(b *Builder, s *goquery.Selection, _ goja.FunctionCall) goja.Value {
			return b.rt.ToValue(s.Nodes[0].FirstChild != nil)
		},
		"classList": func(b *Builder, s *goquery.Selection, _ goja.FunctionCall) goja.Value {
			out := []any{}
			for _, c := range strings.Fields(s.AttrOr("class", "")) {
				out = append(out, c)
			}
			return b.rt.NewArray(out...)
		},
		"matches": func(b *Builder, s *goquery.Selection, c goja.FunctionCall) goja.Value {
			return b.rt.ToValue(s.Is(c.Argument(0).String()))
		},
		"contains": func(b *Builder, s *goquery.Selection, c goja.FunctionCall) goja.Value {
			other, ok := b.nodes(c.Argument(0))
			return b.rt.ToValue(ok && other.Length() > 0 && other.Nodes[0] != s.Nodes[0] && s.Contains(other.Nodes[0]))
		},
		"nodeValue": func(b *Builder, s *goquery.Selection, _ goja.FunctionCall) goja.Value {
			if t := s.Nodes[0].Type; t == html.TextNode || t == html.CommentNode {
				return b.rt.ToValue(s.Nodes[0].Data)
			}
			return goja.Undefined()
		},
		"selection": func(b *Builder, s *goquery.Selection, _ goja.FunctionCall) goja.Value { return b.selection(s) },
	}
}

// nodeElement wraps n (a node near s's) as an Element; undefined when n is nil.
func (b *Builder) nodeElement(s *goquery.Selection, n *html.Node) goja.Value {
	if n == nil {
		return goja.Undefined()
	}
	return b.element(s.Eq(s.Length()).AddNodes(n))
}
