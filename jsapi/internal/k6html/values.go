package k6html

import (
	"encoding/json"
	"strconv"
	"strings"

	"github.com/PuerkitoBio/goquery"
	"github.com/dop251/goja"
)

// val is k6's val(): the current value of the first form control of s.
func (b *Builder) val(s *goquery.Selection) goja.Value {
	switch goquery.NodeName(s) {
	case "input":
		v, ok := s.Attr("value")
		if !ok {
			if t := s.AttrOr("type", ""); t == "radio" || t == "checkbox" {
				v = "on"
			}
		}
		return b.rt.ToValue(v)
	case "button":
		return b.rt.ToValue(s.AttrOr("value", ""))
	case "textarea":
		return b.html(s)
	case "option":
		return b.rt.ToValue(valueOrHTML(s))
	case "select":
		selected := s.First().Find("option[selected]")
		if _, multiple := s.Attr("multiple"); multiple {
			return b.rt.ToValue(selected.Map(func(_ int, o *goquery.Selection) string { return valueOrHTML(o) }))
		}
		return b.rt.ToValue(valueOrHTML(selected))
	}
	return goja.Undefined()
}

func valueOrHTML(s *goquery.Selection) string {
	if v, ok := s.Attr("value"); ok {
		return v
	}
	h, _ := s.Html()
	return h
}

// formField is one successful control of a form, as jQuery's serializeArray (and k6) define it.
type formField struct {
	name  string
	value goja.Value
}

// formFields returns the controls of s (a form's, or s's own controls) that a submit would
// send: named, enabled, not a button or file, checked when a checkbox or radio.
func (b *Builder) formFields(s *goquery.Selection) []formField {
	const submittable = "input,select,textarea,keygen"
	var els *goquery.Selection
	if s.Is("form") {
		els = s.Find(submittable)
	} else {
		els = s.Filter(submittable)
	}
	var out []formField
	els.Each(func(_ int, el *goquery.Selection) {
		name, typ := el.AttrOr("name", ""), el.AttrOr("type", "")
		switch {
		case name == "", el.AttrOr("disabled", "") == "disabled":
			return
		case typ == "submit", typ == "button", typ == "reset", typ == "image", typ == "file":
			return
		case (typ == "checkbox" || typ == "radio") && el.AttrOr("checked", "") != "checked":
			return
		}
		out = append(out, formField{name: name, value: b.val(el)})
	})
	return out
}

// data is k6's data(): data(key) reads the data-key attribute of the first element, data()
// all data-* attributes as an object; values that look like JSON, numbers or booleans are
// converted as jQuery does.
func (b *Builder) data(s *goquery.Selection, c goja.FunctionCall) goja.Value {
	if s.Length() == 0 || len(s.Nodes[0].Attr) == 0 {
		return goja.Undefined()
	}
	if key := c.Argument(0); !goja.IsUndefined(key) {
		if v, ok := s.Attr("data-" + toAttr(key.String())); ok {
			return b.rt.ToValue(dataValue(v))
		}
		return goja.Undefined()
	}
	out := map[string]any{}
	for _, a := range s.Nodes[0].Attr {
		if strings.HasPrefix(a.Key, "data-") && len(a.Key) > 5 {
			out[toProperty(a.Key[5:])] = dataValue(a.Val)
		}
	}
	return b.rt.ToValue(out)
}

// toAttr turns a camelCase data key into its attribute form (fooBar → foo-bar).
func toAttr(key string) string {
	var sb strings.Builder
	for _, r := range key {
		if r >= 'A' && r <= 'Z' {
			sb.WriteByte('-')
			r += 'a' - 'A'
		}
		sb.WriteRune(r)
	}
	return sb.String()
}

// toProperty turns a data attribute name into its camelCase key (foo-bar → fooBar).
func toProperty(attr string) string {
	parts := strings.Split(attr, "-")
	for i := 1; i < len(parts); i++ {
		if parts[i] != "" {
			parts[i] = strings.ToUpper(parts[i][:1]) + parts[i][1:]
		}
	}
	return strings.Join(parts, "")
}

// dataValue converts a data attribute as jQuery: true/false/null, numbers that print back
// the same, JSON objects and arrays; anything else stays a string.
func dataValue(v string) any {
	switch v {
	case "true":
		return true
	case "false":
		return false
	case "null":
		return nil
	}
	if f, err := strconv.ParseFloat(v, 64); err == nil && strconv.FormatFloat(f, 'f', -1, 64) == v {
		return f
	}
	if strings.HasPrefix(v, "{") || strings.HasPrefix(v, "[") {
		var out any
		if json.Unmarshal([]byte(v), &out) == nil {
			return out
		}
	}
	return v
}
