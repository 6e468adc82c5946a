package paymentapi

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"reflect"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// openAPIDoc is the part of the OpenAPI document the tests read.
type openAPIDoc struct {
	OpenAPI    string                                `json:"openapi"`
	Paths      map[string]map[string]json.RawMessage `json:"paths"`
	Components struct {
		Schemas map[string]struct {
			Properties map[string]struct {
				Enum []string `json:"enum"`
			} `json:"properties"`
			Required []string `json:"required"`
		} `json:"schemas"`
	} `json:"components"`
}

func loadOpenAPI(t *testing.T) openAPIDoc {
	t.Helper()
	var doc openAPIDoc
	require.NoError(t, json.Unmarshal(OpenAPI, &doc), "openapi.json parses")
	require.True(t, strings.HasPrefix(doc.OpenAPI, "3."), "an OpenAPI 3 document: %q", doc.OpenAPI)
	return doc
}

// TestOpenAPIDocumentsEveryRoute: every route the server registers is in the document, and
// the document has no route the server lacks.
func TestOpenAPIDocumentsEveryRoute(t *testing.T) {
	t.Parallel()
	doc := loadOpenAPI(t)
	var registered, documented []string
	for _, r := range (&Server{metrics: newMetrics()}).routes() {
		registered = append(registered, r.pattern)
	}
	for path, ops := range doc.Paths {
		for method := range ops {
			documented = append(documented, strings.ToUpper(method)+" "+path)
		}
	}
	sort.Strings(registered)
	sort.Strings(documented)
	assert.Equal(t, registered, documented)
}

// TestOpenAPISchemasMatchTheTypes: each schema lists exactly the JSON fields of the Go type
// the handlers encode or decode, all of them required (none is omitted).
func TestOpenAPISchemasMatchTheTypes(t *testing.T) {
	t.Parallel()
	doc := loadOpenAPI(t)
	for name, v := range map[string]any{
		"OrderRequest": OrderRequest{}, "LineRequest": LineRequest{}, "Order": Order{}, "OrderLine": OrderLine{},
		"Payment": Payment{}, "Wallet": Wallet{}, "ErrorBody": ErrorBody{},
	} {
		schema, ok := doc.Components.Schemas[name]
		require.True(t, ok, "schema %s", name)
		fields := jsonFields(reflect.TypeOf(v))
		var props []string
		for p := range schema.Properties {
			props = append(props, p)
		}
		sort.Strings(props)
		assert.Equal(t, fields, props, "%s properties", name)
		req := slices.Clone(schema.Required)
		sort.Strings(req)
		assert.Equal(t, fields, req, "%s required", name)
	}
}

func jsonFields(t reflect.Type) []string {
	var out []string
	for f := range t.Fields() {
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if name != "" && name != "-" {
			out = append(out, name)
		}
	}
	sort.Strings(out)
	return out
}

// TestOpenAPIErrorCodes: the documented codes are exactly the ones classify answers with.
func TestOpenAPIErrorCodes(t *testing.T) {
	t.Parallel()
	doc := loadOpenAPI(t)
	want := []string{"internal"}
	for _, r := range refusals {
		want = append(want, r.code)
		assert.Contains(t, string(OpenAPI), r.code)
	}
	got := slices.Clone(doc.Components.Schemas["ErrorBody"].Properties["code"].Enum)
	sort.Strings(want)
	sort.Strings(got)
	assert.Equal(t, want, got)
}

func TestOpenAPIIsServed(t *testing.T) {
	t.Parallel()
	ts := httptest.NewServer((&Server{metrics: newMetrics()}).Handler())
	defer ts.Close()
	res, err := http.Get(ts.URL + "/openapi.json")
	require.NoError(t, err)
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	require.NoError(t, err)
	assert.Equal(t, http.StatusOK, res.StatusCode)
	assert.Equal(t, "application/json", res.Header.Get("Content-Type"))
	assert.Equal(t, OpenAPI, body)
}

// TestOpenAPIReferencesResolve: every $ref names a component the document defines.
func TestOpenAPIReferencesResolve(t *testing.T) {
	t.Parallel()
	var doc struct {
		Components map[string]map[string]json.RawMessage `json:"components"`
	}
	require.NoError(t, json.Unmarshal(OpenAPI, &doc))
	refs := regexp.MustCompile(`"\$ref":\s*"#/components/(\w+)/(\w+)"`).FindAllStringSubmatch(string(OpenAPI), -1)
	require.NotEmpty(t, refs)
	for _, m := range refs {
		_, ok := doc.Components[m[1]][m[2]]
		assert.True(t, ok, "%s/%s is defined", m[1], m[2])
	}
}
