package jsapi

import (
	"context"
	"net/url"
	"path"

	"github.com/evanw/esbuild/pkg/api"

	"github.com/nnprotect/nnjs/internal/remotemod"
)

// remoteNamespace is esbuild's namespace of the modules imported by URL.
const remoteNamespace = "remote"

// remotePlugin resolves imports of http(s) URLs, and the relative and root-relative imports
// inside such a module against its URL, and loads them through f. Each module's hash is
// recorded in h under its URL.
func remotePlugin(f *remotemod.Fetcher, h *sourceHashes) api.Plugin {
	return api.Plugin{Name: "nnjs-remote-modules", Setup: func(b api.PluginBuild) {
		b.OnResolve(api.OnResolveOptions{Filter: `^https?://`}, func(args api.OnResolveArgs) (api.OnResolveResult, error) {
			return api.OnResolveResult{Path: args.Path, Namespace: remoteNamespace}, nil
		})
		b.OnResolve(api.OnResolveOptions{Filter: `^\.{0,2}/`, Namespace: remoteNamespace}, func(args api.OnResolveArgs) (api.OnResolveResult, error) {
			base, err := url.Parse(args.Importer)
			if err != nil {
				return api.OnResolveResult{}, err
			}
			ref, err := url.Parse(args.Path)
			if err != nil {
				return api.OnResolveResult{}, err
			}
			return api.OnResolveResult{Path: base.ResolveReference(ref).String(), Namespace: remoteNamespace}, nil
		})
		b.OnLoad(api.OnLoadOptions{Filter: ".*", Namespace: remoteNamespace}, func(args api.OnLoadArgs) (api.OnLoadResult, error) {
			m, err := f.Get(context.Background(), args.Path)
			if err != nil {
				return api.OnLoadResult{}, err
			}
			h.record(args.Path, m.Content)
			contents := string(m.Content)
			return api.OnLoadResult{Contents: &contents, Loader: remoteLoader(args.Path)}, nil
		})
	}}
}

// remoteLoader picks the loader by the URL path's extension; a URL without a known one (a
// CDN's "?module" or no extension) is JavaScript.
func remoteLoader(rawURL string) api.Loader {
	u, err := url.Parse(rawURL)
	if err != nil {
		return api.LoaderJS
	}
	if l, ok := loaders[path.Ext(u.Path)]; ok {
		return l
	}
	return api.LoaderJS
}
