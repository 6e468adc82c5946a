// Package remotemod fetches the remote modules a script imports by URL
// (import { textSummary } from 'https://jslib.k6.io/k6-summary/0.0.2/index.js') and caches
// them on disk by URL, with the SHA-256 of their content.
//
//	f := remotemod.New(remotemod.Config{Dir: dir, Offline: false})
//	m, err := f.Get(ctx, "https://jslib.k6.io/k6-utils/1.4.0/index.js")
//	// m.Content is the module's code, m.SHA256 its hash, m.Cached says it came from disk.
//
// Only https:// is fetched unless Config.AllowHTTP; Offline serves cache hits only. The
// system roots verify the server (they honour SSL_CERT_FILE) unless Config.RootCAs is set.
package remotemod
