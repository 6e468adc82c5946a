package k6encoding

import (
	"encoding/base64"
	"fmt"
	"testing"

	"github.com/dop251/goja"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/nnprotect/nnjs/jsapi/modules/modulestest"
)

// Inputs whose encodings differ between the four alphabets: "<<???>>" has '/' and '+' in std
// and needs padding; 0xfb 0xff is "+/8=" in std.
const (
	qmarks = `"<<???>>"`
	fbff   = `new Uint8Array([0xfb, 0xff]).buffer`
)

func TestB64Encode(t *testing.T) {
	t.Parallel()
	tests := []struct{ name, input, enc, want string }{
		{"default is std", qmarks, "", "PDw/Pz8+Pg=="},
		{"std", qmarks, `"std"`, "PDw/Pz8+Pg=="},
		{"rawstd", qmarks, `"rawstd"`, "PDw/Pz8+Pg"},
		{"url", qmarks, `"url"`, "PDw_Pz8-Pg=="},
		{"rawurl", qmarks, `"rawurl"`, "PDw_Pz8-Pg"},
		{"undefined is std", qmarks, `undefined`, "PDw/Pz8+Pg=="},
		{"ArrayBuffer std", fbff, `"std"`, "+/8="},
		{"ArrayBuffer rawstd", fbff, `"rawstd"`, "+/8"},
		{"ArrayBuffer url", fbff, `"url"`, "-_8="},
		{"ArrayBuffer rawurl", fbff, `"rawurl"`, "-_8"},
		{"string is UTF-8", `"héllo"`, "", "aMOpbGxv"},
		{"same bytes as ArrayBuffer", `new Uint8Array([0x68, 0xc3, 0xa9, 0x6c, 0x6c, 0x6f]).buffer`, "", "aMOpbGxv"},
		{"Uint8Array", `new Uint8Array([0xfb, 0xff])`, "", "+/8="},
		{"Uint8Array view", `new Uint8Array([1, 0xfb, 0xff, 2]).subarray(1, 3)`, "", "+/8="},
		{"Uint16Array bytes", `new Uint16Array([0xfffb])`, "", "+/8="},
		{"empty string", `""`, "", ""},
		{"empty ArrayBuffer", `new ArrayBuffer(0)`, "", ""},
		{"k6 docs example", `"hello world"`, "", "aGVsbG8gd29ybGQ="},
		{"k6 docs url example", `"小飼弾.."`, `"url"`, "5bCP6aO85by-Li4="},
		{"k6 docs rawurl example", `"小飼弾.."`, `"rawurl"`, "5bCP6aO85by-Li4"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			vu := newVU(t)
			args := tc.input
			if tc.enc != "" {
				args += ", " + tc.enc
			}
			assert.Equal(t, tc.want, vu.Run(t, "encoding.b64encode("+args+")").Export())
		})
	}
}

func TestB64Decode(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, input, enc string
		want             []byte
	}{
		{"default is std", "PDw/Pz8+Pg==", "", []byte("<<???>>")},
		{"std", "PDw/Pz8+Pg==", "std", []byte("<<???>>")},
		{"rawstd", "PDw/Pz8+Pg", "rawstd", []byte("<<???>>")},
		{"url", "PDw_Pz8-Pg==", "url", []byte("<<???>>")},
		{"rawurl", "PDw_Pz8-Pg", "rawurl", []byte("<<???>>")},
		{"binary std", "+/8=", "std", []byte{0xfb, 0xff}},
		{"binary rawurl", "-_8", "rawurl", []byte{0xfb, 0xff}},
		{"UTF-8", "aMOpbGxv", "std", []byte("héllo")},
		{"empty", "", "std", []byte{}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			vu := newVU(t)
			args := fmt.Sprintf("%q", tc.input)
			if tc.enc != "" {
				args += fmt.Sprintf(", %q", tc.enc)
			}
			v := vu.Run(t, fmt.Sprintf("const r = encoding.b64decode(%s); r instanceof ArrayBuffer && r", args))
			ab, ok := v.Export().(goja.ArrayBuffer)
			require.True(t, ok, "without the \"s\" flag b64decode must return an ArrayBuffer, got %v", v)
			assert.Equal(t, tc.want, append([]byte{}, ab.Bytes()...))

			enc := tc.enc
			if enc == "" {
				enc = "std"
			}
			s := vu.Run(t, fmt.Sprintf("const s = encoding.b64decode(%q, %q, 's'); typeof s === 'string' && s",
				tc.input, enc))
			assert.Equal(t, string(tc.want), s.Export(), "with \"s\" b64decode must return a string")
		})
	}
}

// k6 takes a null encoding as std: b64decode(s, null, 's') is common in k6 scripts.
func TestB64NullEncodingIsStd(t *testing.T) {
	t.Parallel()
	vu := newVU(t)
	assert.Equal(t, "<<???>>", vu.Run(t, `encoding.b64decode("PDw/Pz8+Pg==", null, "s")`).Export())
	assert.Equal(t, "PDw/Pz8+Pg==", vu.Run(t, `encoding.b64encode("<<???>>", null)`).Export())
}

func TestB64DecodeFormatOtherThanS(t *testing.T) {
	t.Parallel()
	for _, format := range []string{`undefined`, `"b"`, `""`, `"S"`} {
		t.Run(format, func(t *testing.T) {
			t.Parallel()
			vu := newVU(t)
			v := vu.Run(t, fmt.Sprintf(`encoding.b64decode("aGk=", "std", %s) instanceof ArrayBuffer`, format))
			assert.True(t, v.ToBoolean())
		})
	}
}

func TestRoundTripAllBytes(t *testing.T) {
	t.Parallel()
	for _, enc := range []string{"std", "rawstd", "url", "rawurl"} {
		t.Run(enc, func(t *testing.T) {
			t.Parallel()
			vu := newVU(t)
			src := fmt.Sprintf(`const b = new Uint8Array(256).map((_, i) => i);
				const e = encoding.b64encode(b.buffer, %[1]q);
				const d = new Uint8Array(encoding.b64decode(e, %[1]q));
				d.length === 256 && d.every((x, i) => x === i) && e`, enc)
			v := vu.Run(t, src)
			require.NotEqual(t, false, v.Export(), "round trip failed")
			all := make([]byte, 256)
			for i := range all {
				all[i] = byte(i)
			}
			assert.Equal(t, map[string]*base64.Encoding{"std": base64.StdEncoding,
				"rawstd": base64.RawStdEncoding, "url": base64.URLEncoding,
				"rawurl": base64.RawURLEncoding}[enc].EncodeToString(all), v.Export())
		})
	}
}

func TestB64DecodeInvalidThrows(t *testing.T) {
	t.Parallel()
	tests := []struct{ name, input, enc string }{
		{"not base64", "!!!!", "std"},
		{"url alphabet in std", "PDw_Pz8-Pg==", "std"},
		{"std alphabet in url", "PDw/Pz8+Pg==", "url"},
		{"missing padding in std", "PDw/Pz8+Pg", "std"},
		{"padding in rawstd", "PDw/Pz8+Pg==", "rawstd"},
		{"padding in rawurl", "PDw_Pz8-Pg==", "rawurl"},
		{"truncated", "YWJj=", "std"},
		{"single char", "Y", "rawstd"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			vu := newVU(t)
			_, err := vu.RunErr(fmt.Sprintf("encoding.b64decode(%q, %q)", tc.input, tc.enc))
			require.Error(t, err)
			var corrupt base64.CorruptInputError
			assert.ErrorAs(t, err, &corrupt, "the JS error must carry the decoder's error")
			caught := vu.Run(t, fmt.Sprintf(`(() => { try { encoding.b64decode(%q, %q, "s"); return false }
				catch (e) { return e instanceof Error } })()`, tc.input, tc.enc))
			assert.True(t, caught.ToBoolean(), "the \"s\" form must throw a catchable Error too")
		})
	}
}

// TestToBytes: strings, ArrayBuffers and byte views have bytes; like k6, other values have none
// (k6 throws "invalid type ..."): they are never stringified and never panic.
func TestToBytes(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, src string
		want      []byte
		rejected  string // the type named by the error; "" when accepted
	}{
		{"string", `"héllo"`, []byte("héllo"), ""},
		{"empty string", `""`, []byte{}, ""},
		{"ArrayBuffer", `new Uint8Array([0, 1, 255]).buffer`, []byte{0, 1, 255}, ""},
		{"Uint8Array", `new Uint8Array([7, 8])`, []byte{7, 8}, ""},
		{"Uint8Array view", `new Uint8Array([1, 2, 3, 4]).subarray(1, 3)`, []byte{2, 3}, ""},
		{"Uint8ClampedArray", `new Uint8ClampedArray([300, 1])`, []byte{255, 1}, ""},
		{"Int8Array", `new Int8Array([-1, 1])`, []byte{0xff, 1}, ""},
		{"Int16Array view", `new Int16Array([1, 2, 3]).subarray(1, 2)`, []byte{2, 0}, ""},
		{"Float64Array", `new Float64Array([1])`, []byte{0, 0, 0, 0, 0, 0, 0xf0, 0x3f}, ""},
		{"DataView window", `new DataView(new Uint8Array([1, 2, 3, 4]).buffer, 1, 2)`, []byte{2, 3}, ""},
		{"view properties redefined by the script are ignored", `const u = new Uint8Array([1, 2, 3]).subarray(1);
			Object.defineProperty(u, "byteOffset", {value: 0}); Object.defineProperty(u, "byteLength", {value: 99}); u`,
			[]byte{2, 3}, ""},
		{"undefined", `undefined`, nil, "undefined"},
		{"null", `null`, nil, "null"},
		{"number", `42`, nil, "number"},
		{"boolean", `true`, nil, "boolean"},
		{"bigint", `10n`, nil, "bigint"},
		{"symbol", `Symbol("s")`, nil, "symbol"},
		{"plain array", `[1, 2, 3]`, nil, "array"},
		{"plain object", `({})`, nil, "object"},
		{"String object", `new String("ab")`, nil, "object"},
		{"object without buffer", `({byteOffset: 0, byteLength: 2})`, nil, "object"},
		{"crafted view out of range", `({buffer: new ArrayBuffer(2), byteOffset: 1, byteLength: 5})`, nil, "object"},
		{"crafted view negative", `({buffer: new ArrayBuffer(2), byteOffset: -1, byteLength: 1})`, nil, "object"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			rt := goja.New()
			v, err := rt.RunString(tc.src)
			require.NoError(t, err)
			got, err := ToBytes(rt, v)
			if tc.rejected != "" {
				require.ErrorIs(t, err, ErrNotBytes)
				assert.Contains(t, err.Error(), "got "+tc.rejected)
				assert.Nil(t, got)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tc.want, append([]byte{}, got...))
		})
	}
	t.Run("Go nil", func(t *testing.T) {
		t.Parallel()
		_, err := ToBytes(goja.New(), nil)
		require.ErrorIs(t, err, ErrNotBytes)
	})
}

// TestB64EncodeNonBytesThrowsTypeError: b64encode([1,2,3]) used to crash the process with a
// nil pointer (no "buffer" property); a crafted view sliced out of range.
func TestB64EncodeNonBytesThrowsTypeError(t *testing.T) {
	t.Parallel()
	for _, arg := range []string{`[1, 2, 3]`, `{}`, `undefined`, `null`, `42`,
		`{buffer: new ArrayBuffer(2), byteOffset: 1, byteLength: 5}`} {
		t.Run(arg, func(t *testing.T) {
			t.Parallel()
			vu := newVU(t)
			assert.Equal(t, "TypeError", vu.Throws(t, `encoding.b64encode(`+arg+`)`))
		})
	}
}

// newVU returns a fake VU with the module instance as the global `encoding`.
func newVU(t *testing.T) *modulestest.VU {
	t.Helper()
	vu := modulestest.NewVU(t)
	vu.Instance(t, New(), "encoding")
	return vu
}
