package k6http

import (
	"bytes"
	"io"
	"mime/multipart"
	"net/textproto"
	"strings"

	"github.com/dop251/goja"
)

// fileData is what http.file(data, filename, contentType) returns: a part of a multipart body.
type fileData struct {
	Data        []byte
	Filename    string
	ContentType string
}

// file implements http.file(data, [filename], [contentType]).
func (in *instance) file(call goja.FunctionCall) goja.Value {
	f := &fileData{ContentType: "application/octet-stream"}
	switch x := call.Argument(0).Export().(type) {
	case string:
		f.Data = []byte(x)
	case goja.ArrayBuffer:
		f.Data = x.Bytes()
	case []byte:
		f.Data = x
	default:
		panic(in.rt.NewTypeError("http.file: data must be a string or an ArrayBuffer"))
	}
	if v := call.Argument(1); !goja.IsUndefined(v) && !goja.IsNull(v) {
		f.Filename = v.String()
	}
	if v := call.Argument(2); !goja.IsUndefined(v) && !goja.IsNull(v) {
		f.ContentType = v.String()
	}
	return in.rt.ToValue(f)
}

func exportFile(v goja.Value) (*fileData, bool) {
	obj, ok := v.(*goja.Object)
	if !ok {
		return nil, false
	}
	f, ok := obj.Export().(*fileData)
	return f, ok
}

// multipartBody encodes a form with at least one http.file() value as multipart/form-data.
func (in *instance) multipartBody(p *prepared, obj *goja.Object, keys []string) (io.Reader, string) {
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	for _, k := range keys {
		v := obj.Get(k)
		f, isFile := exportFile(v)
		if !isFile {
			if err := w.WriteField(k, v.String()); err != nil {
				panic(in.rt.NewGoError(err))
			}
			continue
		}
		h := textproto.MIMEHeader{}
		disp := `form-data; name="` + escapeQuotes(k) + `"`
		if f.Filename != "" {
			disp += `; filename="` + escapeQuotes(f.Filename) + `"`
		}
		h.Set("Content-Disposition", disp)
		h.Set("Content-Type", f.ContentType)
		part, err := w.CreatePart(h)
		if err == nil {
			_, err = part.Write(f.Data)
		}
		if err != nil {
			panic(in.rt.NewGoError(err))
		}
	}
	if err := w.Close(); err != nil {
		panic(in.rt.NewGoError(err))
	}
	p.reqBody = buf.Bytes()
	return bytes.NewReader(p.reqBody), w.FormDataContentType()
}

var quoteEscaper = strings.NewReplacer(`\`, `\\`, `"`, `\"`)

func escapeQuotes(s string) string { return quoteEscaper.Replace(s) }
