package k6http

import (
	"testing"

	"github.com/dop251/goja"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/nnprotect/nnjs/jsapi/modules"
)

func TestExportsAreBuiltOnFirstUse(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil)
	obj, ok := e.vu.RT.Get("http").(*goja.Object)
	require.True(t, ok)
	lazy, ok := obj.Export().(*modules.LazyObject[*instance])
	require.True(t, ok)
	assert.Zero(t, lazy.Built(), "no export built before use")
	assert.Nil(t, lazy.Owner.jarMethods, "no cookie jar method built before use")

	assert.Equal(t, true, e.run(`http.get === http.get && typeof http.get === "function"`).Export())
	assert.Equal(t, 1, lazy.Built(), "only get was built")
	assert.Equal(t, "CookieJar,asyncRequest,batch,cookieJar,del,expectedStatuses,file,get,head,options,patch,post,put,request,setResponseCallback,url",
		e.run(`Object.keys(http).join(",")`).Export())
}

func TestExportsAcceptScriptProperties(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, src string
		want      any
	}{
		{"added property", `http.extra = 5; http.extra`, int64(5)},
		{"added property listed", `http.more = 1; Object.keys(http).slice(-1)[0]`, "more"},
		{"added property deleted", `http.gone = 1; delete http.gone; "gone" in http`, false},
		{"built-in kept on delete", `delete http.get; typeof http.get`, "function"},
		{"overwritten export", `http.url = () => "mine"; http.url()`, "mine"},
		{"unknown export", `typeof http.nothing`, "undefined"},
		{"in operator", `"post" in http`, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			e := newEnv(t, nil)
			assert.Equal(t, tc.want, e.run(tc.src).Export())
		})
	}
}
