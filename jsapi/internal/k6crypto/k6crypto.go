package k6crypto

import (
	"crypto/hmac"
	"crypto/md5"
	"crypto/rand"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"hash"

	"github.com/dop251/goja"

	"github.com/nnprotect/nnjs/jsapi/internal/k6encoding"
	"github.com/nnprotect/nnjs/jsapi/modules"
)

// algorithms maps k6's algorithm names to hash constructors.
var algorithms = map[string]func() hash.Hash{
	"md5": md5.New, "sha1": sha1.New, "sha256": sha256.New, "sha384": sha512.New384,
	"sha512": sha512.New, "sha512_224": sha512.New512_224, "sha512_256": sha512.New512_256,
}

// New returns the k6/crypto module.
func New() modules.Module { return modules.ModuleFunc(newInstance) }

type instance struct{ rt *goja.Runtime }

func newInstance(vu modules.VU) (*goja.Object, error) {
	in := &instance{rt: vu.Runtime()}
	obj := in.rt.NewObject()
	set := func(name string, fn any) error {
		if err := obj.Set(name, fn); err != nil {
			return fmt.Errorf("k6/crypto: %s: %w", name, err)
		}
		return nil
	}
	for alg := range algorithms {
		if err := set(alg, func(data, enc goja.Value) goja.Value {
			h := in.newHash(alg, false, nil)
			h.Write(k6encoding.Bytes(in.rt, alg+" input", data))
			return in.digest(h.Sum(nil), enc)
		}); err != nil {
			return nil, err
		}
	}
	fns := map[string]any{
		"hmac": func(alg string, key, data, enc goja.Value) goja.Value {
			h := in.newHash(alg, true, k6encoding.Bytes(in.rt, "hmac key", key))
			h.Write(k6encoding.Bytes(in.rt, "hmac input", data))
			return in.digest(h.Sum(nil), enc)
		},
		"createHash": func(alg string) *goja.Object { return in.hasher(in.newHash(alg, false, nil)) },
		"createHMAC": func(alg string, key goja.Value) *goja.Object {
			return in.hasher(in.newHash(alg, true, k6encoding.Bytes(in.rt, "createHMAC key", key)))
		},
		"randomBytes": func(n int) goja.Value {
			if n < 0 || n > 1<<20 {
				panic(in.rt.NewTypeError(fmt.Sprintf("randomBytes: invalid size %d", n)))
			}
			b := make([]byte, n)
			_, _ = rand.Read(b)
			return in.rt.ToValue(in.rt.NewArrayBuffer(b))
		},
	}
	for name, fn := range fns {
		if err := set(name, fn); err != nil {
			return nil, err
		}
	}
	return obj, nil
}

// newHash returns a hash for alg: an HMAC under key when keyed (an empty key is a valid HMAC
// key, not "no key"), else the plain hash. Unknown names throw.
func (in *instance) newHash(alg string, keyed bool, key []byte) hash.Hash {
	mk, ok := algorithms[alg]
	if !ok {
		panic(in.rt.NewTypeError(fmt.Sprintf("unknown hash algorithm %q", alg)))
	}
	if keyed {
		return hmac.New(mk, key)
	}
	return mk()
}

// hasher wraps h as a JS object with update(data) and digest(encoding).
func (in *instance) hasher(h hash.Hash) *goja.Object {
	o := in.rt.NewObject()
	_ = o.Set("update", func(data goja.Value) *goja.Object {
		h.Write(k6encoding.Bytes(in.rt, "update input", data))
		return o
	})
	_ = o.Set("digest", func(enc goja.Value) goja.Value { return in.digest(h.Sum(nil), enc) })
	return o
}

// digest encodes sum as asked; undefined means "binary" (an ArrayBuffer), as in k6.
func (in *instance) digest(sum []byte, enc goja.Value) goja.Value {
	name := "binary"
	if enc != nil && !goja.IsUndefined(enc) {
		name = enc.String()
	}
	switch name {
	case "hex":
		return in.rt.ToValue(hex.EncodeToString(sum))
	case "base64":
		return in.rt.ToValue(base64.StdEncoding.EncodeToString(sum))
	case "base64url":
		return in.rt.ToValue(base64.URLEncoding.EncodeToString(sum))
	case "base64rawurl":
		return in.rt.ToValue(base64.RawURLEncoding.EncodeToString(sum))
	case "binary":
		return in.rt.ToValue(in.rt.NewArrayBuffer(sum))
	}
	panic(in.rt.NewTypeError(fmt.Sprintf("unknown output encoding %q", name)))
}
