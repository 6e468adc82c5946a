package k6encoding

import (
	"encoding/base64"
	"fmt"
	"testing"

	"github.com/dop251/goja"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
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
			rt := newRuntime(t)
			args := tc.input
			if tc.enc != "" {
				args += ", " + tc.enc
			}
			assert.Equal(t, tc.want, run(t, rt, "encoding.b64encode("+args+")").Export())
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
			rt := newRuntime(t)
			args := fmt.Sprintf("%q", tc.input)
			if tc.enc != "" {
				args += fmt.Sprintf(", %q", tc.enc)
			}
			v := run(t, rt, fmt.Sprintf("const r = encoding.b64decode(%s); r instanceof ArrayBuffer && r", args))
			ab, ok := v.Export().(goja.ArrayBuffer)
			require.True(t, ok, "without the \"s\" flag b64decode must return an ArrayBuffer, got %v", v)
			assert.Equal(t, tc.want, append([]byte{}, ab.Bytes()...))

			enc := tc.enc
			if enc == "" {
				enc = "std"
			}
			s := run(t, rt, fmt.Sprintf("const s = encoding.b64decode(%q, %q, 's'); typeof s === 'string' && s",
				tc.input, enc))
			assert.Equal(t, string(tc.want), s.Export(), "with \"s\" b64decode must return a string")
		})
	}
}

func TestB64DecodeFormatOtherThanS(t *testing.T) {
	t.Parallel()
	for _, format := range []string{`undefined`, `"b"`, `""`, `"S"`} {
		t.Run(format, func(t *testing.T) {
			t.Parallel()
			rt := newRuntime(t)
			v := run(t, rt, fmt.Sprintf(`encoding.b64decode("aGk=", "std", %s) instanceof ArrayBuffer`, format))
			assert.True(t, v.ToBoolean())
		})
	}
}

func TestRoundTripAllBytes(t *testing.T) {
	t.Parallel()
	for _, enc := range []string{"std", "rawstd", "url", "rawurl"} {
		t.Run(enc, func(t *testing.T) {
			t.Parallel()
			rt := newRuntime(t)
			src := fmt.Sprintf(`const b = new Uint8Array(256).map((_, i) => i);
				const e = encoding.b64encode(b.buffer, %[1]q);
				const d = new Uint8Array(encoding.b64decode(e, %[1]q));
				d.length === 256 && d.every((x, i) => x === i) && e`, enc)
			v := run(t, rt, src)
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
			rt := newRuntime(t)
			_, err := rt.RunString(fmt.Sprintf("encoding.b64decode(%q, %q)", tc.input, tc.enc))
			require.Error(t, err)
			var corrupt base64.CorruptInputError
			assert.ErrorAs(t, err, &corrupt, "the JS error must carry the decoder's error")
			caught := run(t, rt, fmt.Sprintf(`(() => { try { encoding.b64decode(%q, %q, "s"); return false }
				catch (e) { return e instanceof Error } })()`, tc.input, tc.enc))
			assert.True(t, caught.ToBoolean(), "the \"s\" form must throw a catchable Error too")
		})
	}
}

func TestBytes(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, src string
		want      []byte
	}{
		{"string", `"héllo"`, []byte("héllo")},
		{"empty string", `""`, []byte{}},
		{"ArrayBuffer", `new Uint8Array([0, 1, 255]).buffer`, []byte{0, 1, 255}},
		{"Uint8Array", `new Uint8Array([7, 8])`, []byte{7, 8}},
		{"Uint8Array view", `new Uint8Array([1, 2, 3, 4]).subarray(1, 3)`, []byte{2, 3}},
		{"Int8Array", `new Int8Array([-1, 1])`, []byte{0xff, 1}},
		{"DataView window", `new DataView(new Uint8Array([1, 2, 3, 4]).buffer, 1, 2)`, []byte{2, 3}},
		{"number as string", `42`, []byte("42")},
		{"undefined", `undefined`, nil},
		{"null", `null`, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			rt := goja.New()
			v, err := rt.RunString(tc.src)
			require.NoError(t, err)
			got := Bytes(rt, v)
			if tc.want == nil {
				assert.Nil(t, got)
				return
			}
			assert.Equal(t, tc.want, append([]byte{}, got...))
		})
	}
	t.Run("nil value", func(t *testing.T) {
		t.Parallel()
		assert.Nil(t, Bytes(goja.New(), nil))
	})
}
