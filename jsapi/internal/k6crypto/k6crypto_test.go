package k6crypto

import (
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"testing"

	"github.com/dop251/goja"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/nnprotect/nnjs/jsapi/modules/modulestest"
)

// vector is a known digest of "abc" or "" (FIPS 180-4, RFC 1321 test suites).
type vector struct {
	alg, input, hex string
}

var hashVectors = []vector{
	{"md5", "abc", "900150983cd24fb0d6963f7d28e17f72"},
	{"md5", "", "d41d8cd98f00b204e9800998ecf8427e"},
	{"sha1", "abc", "a9993e364706816aba3e25717850c26c9cd0d89d"},
	{"sha1", "", "da39a3ee5e6b4b0d3255bfef95601890afd80709"},
	{"sha256", "abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"},
	{"sha256", "", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"},
	{"sha384", "abc", "cb00753f45a35e8bb5a03d699ac65007272c32ab0eded1631a8b605a43ff5bed" +
		"8086072ba1e7cc2358baeca134c825a7"},
	{"sha512", "abc", "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a" +
		"2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f"},
	{"sha512", "", "cf83e1357eefb8bdf1542850d66d8007d620e4050b5715dc83f4a921d36ce9ce" +
		"47d0d13c5d85f2b0ff8318d2877eec2f63b931bd47417a81a538327af927da3e"},
	{"sha512_224", "abc", "4634270f707b6a54daae7530460842e20e37ed265ceee9a43e8924aa"},
	{"sha512_256", "abc", "53048e2681941ef99b2e29b76b4c7dabe4c2d0c634fc6d46e0e2f13107e7af23"},
}

// encodings maps each output encoding to how it renders the raw digest.
var encodings = map[string]func([]byte) string{
	"hex":          hex.EncodeToString,
	"base64":       base64.StdEncoding.EncodeToString,
	"base64url":    base64.URLEncoding.EncodeToString,
	"base64rawurl": base64.RawURLEncoding.EncodeToString,
}

// known returns the hex digest of input under alg from hashVectors.
func known(alg, input string) string {
	for _, v := range hashVectors {
		if v.alg == alg && v.input == input {
			return v.hex
		}
	}
	panic("no vector for " + alg + "(" + input + ")")
}

func mustHex(t *testing.T, s string) []byte {
	t.Helper()
	b, err := hex.DecodeString(s)
	require.NoError(t, err)
	return b
}

func TestHashKnownVectors(t *testing.T) {
	t.Parallel()
	for _, v := range hashVectors {
		for enc, render := range encodings {
			t.Run(fmt.Sprintf("%s(%q)/%s", v.alg, v.input, enc), func(t *testing.T) {
				t.Parallel()
				vu := newVU(t)
				want := render(mustHex(t, v.hex))
				got := vu.Run(t, fmt.Sprintf("crypto.%s(%q, %q)", v.alg, v.input, enc))
				assert.Equal(t, want, got.Export())
			})
		}
	}
}

func TestHashBinaryIsArrayBuffer(t *testing.T) {
	t.Parallel()
	for _, src := range []string{`crypto.sha256("abc")`, `crypto.sha256("abc", "binary")`} {
		t.Run(src, func(t *testing.T) {
			t.Parallel()
			vu := newVU(t)
			require.NoError(t, vu.RT.Set("r", vu.Run(t, src)))
			assert.True(t, vu.Run(t, `r instanceof ArrayBuffer`).ToBoolean())
			ab, ok := vu.Run(t, "r").Export().(goja.ArrayBuffer)
			require.True(t, ok)
			assert.Equal(t, mustHex(t, known("sha256", "abc")), ab.Bytes())
		})
	}
}

func TestHashBinaryInput(t *testing.T) {
	t.Parallel()
	want := known("sha256", "abc") // sha256("abc")
	tests := []struct{ name, input string }{
		{"ArrayBuffer", `new Uint8Array([97, 98, 99]).buffer`},
		{"Uint8Array", `new Uint8Array([97, 98, 99])`},
		{"Uint8Array view with offset", `new Uint8Array([0, 97, 98, 99, 0]).subarray(1, 4)`},
		{"DataView with offset", `new DataView(new Uint8Array([0, 97, 98, 99]).buffer, 1)`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			vu := newVU(t)
			got := vu.Run(t, fmt.Sprintf("crypto.sha256(%s, 'hex')", tc.input))
			assert.Equal(t, want, got.Export())
		})
	}
}

// emptyKeyData is HMAC-SHA256 of "data" under the empty key.
const emptyKeyData = "e528c4d99e6177f5841f712a143b90843299a4aa181a06501422d9ca862bd2a5"

func TestHMACKnownVectors(t *testing.T) {
	t.Parallel()
	const key0b20 = "new Uint8Array(20).fill(0x0b).buffer"
	tests := []struct {
		name, alg, key, data, hex string
	}{
		{"RFC 4231 case 1 sha256", "sha256", key0b20, `"Hi There"`,
			"b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7"},
		{"RFC 4231 case 1 sha384", "sha384", key0b20, `"Hi There"`,
			"afd03944d84895626b0825f4ab46907f15f9dadbe4101ec682aa034c7cebc59c" +
				"faea9ea9076ede7f4af152e8b2fa9cb6"},
		{"RFC 4231 case 1 sha512", "sha512", key0b20, `"Hi There"`,
			"87aa7cdea5ef619d4ff0b4241a1d6cb02379f4e2ce4ec2787ad0b30545e17cde" +
				"daa833b7d6b8a702038b274eaea3f4e4be9d914eeb61f1702e696c203a126854"},
		{"RFC 4231 case 2 sha256 string key", "sha256", `"Jefe"`, `"what do ya want for nothing?"`,
			"5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"},
		{"RFC 4231 case 6 sha256 key longer than block", "sha256",
			"new Uint8Array(131).fill(0xaa)", `"Test Using Larger Than Block-Size Key - Hash Key First"`,
			"60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54"},
		{"RFC 2202 sha1", "sha1", key0b20, `"Hi There"`, "b617318655057264e28bc0b6fb378c8ef146be00"},
		{"RFC 2104 md5", "md5", "new Uint8Array(16).fill(0x0b)", `"Hi There"`,
			"9294727a3638bb1c13f48ef8158bfc9d"},
		// An empty key is a key: HMAC, not the plain hash (sha256("data") is 3a6eb079...).
		{"empty Uint8Array key", "sha256", "new Uint8Array(0)", `"data"`, emptyKeyData},
		{"empty string key", "sha256", `""`, `"data"`, emptyKeyData},
		{"empty ArrayBuffer key", "sha256", "new ArrayBuffer(0)", `"data"`, emptyKeyData},
	}
	for _, tc := range tests {
		for enc, render := range encodings {
			t.Run(tc.name+"/"+enc, func(t *testing.T) {
				t.Parallel()
				vu := newVU(t)
				want := render(mustHex(t, tc.hex))
				got := vu.Run(t, fmt.Sprintf("crypto.hmac(%q, %s, %s, %q)", tc.alg, tc.key, tc.data, enc))
				assert.Equal(t, want, got.Export())
				got = vu.Run(t, fmt.Sprintf("crypto.createHMAC(%q, %s).update(%s).digest(%q)",
					tc.alg, tc.key, tc.data, enc))
				assert.Equal(t, want, got.Export(), "createHMAC")
			})
		}
	}
}

func TestStreamingChaining(t *testing.T) {
	t.Parallel()
	tests := []struct{ name, src, want string }{
		{"createHash in parts", `crypto.createHash("sha256").update("a").update("b").update("c").digest("hex")`,
			known("sha256", "abc")},
		{"createHash no update", `crypto.createHash("md5").digest("hex")`, known("md5", "")},
		{"createHash mixed inputs", `crypto.createHash("sha1").update("a").update(new Uint8Array([98, 99]).buffer)` +
			`.digest("hex")`, known("sha1", "abc")},
		{"createHash update returns the hasher", `const h = crypto.createHash("sha512"); h.update("ab") === h ` +
			`&& h.update("c").digest("hex")`, known("sha512", "abc")},
		{"createHMAC in parts", `crypto.createHMAC("sha256", "Jefe").update("what do ya want ").update("for nothing?")` +
			`.digest("hex")`, "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"},
		{"two hashers are independent", `const a = crypto.createHash("sha256"), b = crypto.createHash("sha256");` +
			`a.update("abc"); b.update("zzz"); a.digest("hex")`, known("sha256", "abc")},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			vu := newVU(t)
			assert.Equal(t, tc.want, vu.Run(t, tc.src).Export())
		})
	}
}

func TestRandomBytes(t *testing.T) {
	t.Parallel()
	for _, n := range []int{0, 1, 16, 1000} {
		t.Run(fmt.Sprint(n), func(t *testing.T) {
			t.Parallel()
			vu := newVU(t)
			v := vu.Run(t, fmt.Sprintf(`const r = crypto.randomBytes(%d); r instanceof ArrayBuffer && r`, n))
			ab, ok := v.Export().(goja.ArrayBuffer)
			require.True(t, ok, "randomBytes must return an ArrayBuffer, got %v", v)
			assert.Len(t, ab.Bytes(), n)
		})
	}
	t.Run("two calls differ", func(t *testing.T) {
		t.Parallel()
		vu := newVU(t)
		a := vu.Run(t, "crypto.randomBytes(32)").Export().(goja.ArrayBuffer).Bytes()
		b := vu.Run(t, "crypto.randomBytes(32)").Export().(goja.ArrayBuffer).Bytes()
		assert.NotEqual(t, a, b)
		assert.NotEqual(t, make([]byte, 32), a, "bytes must be filled")
	})
}

func TestMisuseThrowsTypeError(t *testing.T) {
	t.Parallel()
	tests := []struct{ name, src string }{
		{"hmac unknown algorithm", `crypto.hmac("sha3", "k", "data", "hex")`},
		{"createHash unknown algorithm", `crypto.createHash("whirlpool")`},
		{"createHMAC unknown algorithm", `crypto.createHMAC("nope", "k")`},
		{"algorithm names are case sensitive", `crypto.createHash("SHA256")`},
		{"unknown output encoding", `crypto.sha256("abc", "base32")`},
		{"unknown digest encoding", `crypto.createHash("md5").update("x").digest("latin1")`},
		{"hash input without bytes", `crypto.sha256({}, "hex")`},
		{"hash input plain array", `crypto.md5([1, 2, 3], "hex")`},
		{"hash input undefined", `crypto.sha256(undefined, "hex")`},
		{"hash input number", `crypto.sha1(42, "hex")`},
		{"hash input crafted view", `crypto.sha256({buffer: new ArrayBuffer(2), byteOffset: 1, byteLength: 5}, "hex")`},
		{"update input without bytes", `crypto.createHash("sha256").update({})`},
		{"hmac undefined key", `crypto.hmac("sha256", undefined, "data", "hex")`},
		{"hmac null key", `crypto.hmac("sha256", null, "data", "hex")`},
		{"createHMAC undefined key", `crypto.createHMAC("sha256")`},
		{"hmac data without bytes", `crypto.hmac("sha256", "k", {}, "hex")`},
		{"negative randomBytes", `crypto.randomBytes(-1)`},
		{"huge randomBytes", `crypto.randomBytes(1 << 30)`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			vu := newVU(t)
			assert.Equal(t, "TypeError", vu.Throws(t, tc.src))
		})
	}
}

// newVU returns a fake VU with the module instance as the global `crypto`.
func newVU(t *testing.T) *modulestest.VU {
	t.Helper()
	vu := modulestest.NewVU(t)
	vu.Instance(t, New(), "crypto")
	return vu
}
