// Package k6html is the `k6/html` (alias `nnjs/html`) JavaScript module on
// PuerkitoBio/goquery, the library k6 uses: parseHTML(src) returns a Selection with k6's
// jQuery-like methods; get(i), each() and toArray() hand out Elements.
//
//	reg.Register(k6html.New(), "k6/html", "nnjs/html")
//
// k6/http's res.html() parses a response body through NewBuilder.
package k6html
