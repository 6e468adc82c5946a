package k6http

import (
	"bytes"
	"compress/gzip"
	"compress/zlib"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"

	"github.com/andybalholm/brotli"
	"github.com/klauspost/compress/zstd"
)

// The content codings k6 knows, for params.compression and for response bodies. Go's
// standard library has gzip and deflate (zlib, as in HTTP); brotli and zstd come from the
// libraries k6 uses.
var codings = []string{"gzip", "deflate", "br", "zstd"}

func knownCoding(c string) bool {
	for _, k := range codings {
		if k == c {
			return true
		}
	}
	return false
}

// parseCompression reads params.compression: one coding or a comma-separated list, applied
// in order (as k6 does).
func parseCompression(s string) ([]string, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return nil, nil
	}
	list := strings.Split(s, ",")
	for i, c := range list {
		list[i] = strings.TrimSpace(c)
		if !knownCoding(list[i]) {
			return nil, fmt.Errorf("unknown compression algorithm %q, supported algorithms are %s",
				list[i], strings.Join(codings, ", "))
		}
	}
	return list, nil
}

// compress encodes body with each coding in turn.
func compress(codingList []string, body []byte) ([]byte, error) {
	for _, c := range codingList {
		var buf bytes.Buffer
		var w io.WriteCloser
		switch c {
		case "gzip":
			w = gzip.NewWriter(&buf)
		case "deflate":
			w = zlib.NewWriter(&buf)
		case "br":
			w = brotli.NewWriter(&buf)
		case "zstd":
			zw, err := zstd.NewWriter(&buf)
			if err != nil {
				return nil, err
			}
			w = zw
		}
		if _, err := w.Write(body); err != nil {
			return nil, err
		}
		if err := w.Close(); err != nil {
			return nil, err
		}
		body = buf.Bytes()
	}
	return body, nil
}

// decompressError is a response body that arrived whole but could not be decoded (k6's 1701).
type decompressError struct{ err error }

func (e *decompressError) Error() string {
	return "error decompressing response body (" + e.err.Error() + ")"
}

func (e *decompressError) Unwrap() error { return e.err }

// source is the raw body under the decoders; it keeps the error the body itself returned,
// so a decoder's own error can be told from a transport failure.
type source struct {
	r   io.Reader
	err error
}

func (s *source) Read(p []byte) (int, error) {
	n, err := s.r.Read(p)
	if err != nil && err != io.EOF {
		s.err = err
	}
	return n, err
}

// decoded returns a reader of the body with its Content-Encoding undone (the codings k6
// knows, last applied first; an unknown coding leaves the rest as it is), and a function
// that turns a read error into the body's own error or a decompressError. As in k6, the
// body is decoded whoever asked for the coding, and the header stays.
func decoded(resp *http.Response) (io.Reader, func(error) error) {
	ce := resp.Header.Get("Content-Encoding")
	plain := func(err error) error { return err }
	if ce == "" || resp.StatusCode == http.StatusNoContent || resp.StatusCode == http.StatusNotModified {
		return resp.Body, plain
	}
	src := &source{r: resp.Body}
	var r io.Reader = src
	var decoders []*lazyDecoder
	list := strings.Split(ce, ",")
	for i := len(list) - 1; i >= 0; i-- {
		c := strings.ToLower(strings.TrimSpace(list[i]))
		if !knownCoding(c) {
			break
		}
		d := &lazyDecoder{coding: c, src: r}
		decoders = append(decoders, d)
		r = d
	}
	if len(decoders) == 0 {
		return resp.Body, plain
	}
	return r, func(err error) error {
		for _, d := range decoders {
			d.close()
		}
		switch {
		case err == nil:
			return nil
		case src.err != nil:
			return src.err
		}
		return &decompressError{err: err}
	}
}

// lazyDecoder builds its decoder on the first read, so that a decoder whose constructor
// reads a header fails inside the read (and is classified there).
type lazyDecoder struct {
	coding string
	src    io.Reader
	r      io.Reader
}

func (d *lazyDecoder) Read(p []byte) (int, error) {
	if d.r == nil {
		r, err := newDecoder(d.coding, d.src)
		if err != nil {
			return 0, err
		}
		d.r = r
	}
	return d.r.Read(p)
}

// close frees the decoder (zstd's holds buffers until closed).
func (d *lazyDecoder) close() {
	if c, ok := d.r.(io.Closer); ok {
		_ = c.Close()
	}
}

func newDecoder(coding string, src io.Reader) (io.Reader, error) {
	switch coding {
	case "gzip":
		return gzip.NewReader(src)
	case "deflate":
		return zlib.NewReader(src)
	case "br":
		return brotli.NewReader(src), nil
	case "zstd":
		zr, err := zstd.NewReader(src, zstd.WithDecoderConcurrency(1))
		if err != nil {
			return nil, err
		}
		return zr.IOReadCloser(), nil
	}
	return nil, errors.New("unknown coding " + coding)
}
