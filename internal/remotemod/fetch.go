package remotemod

import (
	"context"
	"crypto/sha256"
	"crypto/tls"
	"crypto/x509"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"time"
)

// maxSize bounds the size of one remote module.
const maxSize = 32 << 20

// fetchTimeout bounds one fetch (connection, headers and body).
const fetchTimeout = 60 * time.Second

// ErrOffline is wrapped by the error of a fetch that Config.Offline forbids.
var ErrOffline = errors.New("not in the module cache and fetching is off (--offline)")

// ErrInsecure is wrapped by the error of an http:// import without Config.AllowHTTP.
var ErrInsecure = errors.New("http:// modules are refused; use https:// or --insecure-remote-modules")

// Config configures a Fetcher.
type Config struct {
	// Dir is the cache directory; "" means DefaultDir().
	Dir string
	// Offline forbids fetching: only cached modules are served.
	Offline bool
	// AllowHTTP allows http:// URLs (https:// only otherwise).
	AllowHTTP bool
	// RootCAs, when not nil, replaces the system roots (which honour SSL_CERT_FILE).
	RootCAs *x509.CertPool
}

// Module is one remote module: its URL, its content and the SHA-256 (hex) of the content.
type Module struct {
	URL     string
	Content []byte
	SHA256  string
	Cached  bool // served from the cache, not fetched
}

// Fetcher fetches and caches remote modules. It is safe for concurrent use.
type Fetcher struct {
	cfg    Config
	client *http.Client
}

// DefaultDir is the cache directory under the user's cache directory ($XDG_CACHE_HOME or
// ~/.cache on Linux): .../nnjs/modules.
func DefaultDir() (string, error) {
	d, err := os.UserCacheDir()
	if err != nil {
		return "", fmt.Errorf("remote modules: cache directory: %w", err)
	}
	return filepath.Join(d, "nnjs", "modules"), nil
}

// New returns a Fetcher for cfg.
func New(cfg Config) *Fetcher {
	tr := http.DefaultTransport.(*http.Transport).Clone()
	if cfg.RootCAs != nil {
		tr.TLSClientConfig = &tls.Config{RootCAs: cfg.RootCAs, MinVersion: tls.VersionTLS12}
	}
	return &Fetcher{cfg: cfg, client: &http.Client{Transport: tr, Timeout: fetchTimeout}}
}

// entry is the cache's record of one module, next to its content.
type entry struct {
	URL     string    `json:"url"`
	SHA256  string    `json:"sha256"`
	Fetched time.Time `json:"fetched"`
}

// Get returns the module at rawURL: from the cache when it holds it (and its content still
// has the recorded hash), else fetched and cached.
func (f *Fetcher) Get(ctx context.Context, rawURL string) (Module, error) {
	u, err := url.Parse(rawURL)
	if err != nil {
		return Module{}, fmt.Errorf("remote module %s: %w", rawURL, err)
	}
	switch u.Scheme {
	case "https":
	case "http":
		if !f.cfg.AllowHTTP {
			return Module{}, fmt.Errorf("remote module %s: %w", rawURL, ErrInsecure)
		}
	default:
		return Module{}, fmt.Errorf("remote module %s: scheme %q is not http(s)", rawURL, u.Scheme)
	}
	dir := f.cfg.Dir
	if dir == "" {
		if dir, err = DefaultDir(); err != nil {
			return Module{}, err
		}
	}
	base := cacheBase(dir, rawURL)
	if m, ok := readCache(base, rawURL); ok {
		return m, nil
	}
	if f.cfg.Offline {
		return Module{}, fmt.Errorf("remote module %s: %w", rawURL, ErrOffline)
	}
	b, err := f.fetch(ctx, rawURL)
	if err != nil {
		return Module{}, err
	}
	if err := Put(dir, rawURL, b); err != nil {
		return Module{}, err
	}
	return Module{URL: rawURL, Content: b, SHA256: hashOf(b)}, nil
}

// Put stores content as the module at rawURL in the cache directory dir, as Get would after
// fetching it.
func Put(dir, rawURL string, content []byte) error {
	e := entry{URL: rawURL, SHA256: hashOf(content), Fetched: time.Now().UTC()}
	if err := writeCache(dir, cacheBase(dir, rawURL), e, content); err != nil {
		return fmt.Errorf("remote module %s: cache: %w", rawURL, err)
	}
	return nil
}

func (f *Fetcher) fetch(ctx context.Context, rawURL string) ([]byte, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, rawURL, nil)
	if err != nil {
		return nil, fmt.Errorf("remote module %s: %w", rawURL, err)
	}
	resp, err := f.client.Do(req)
	if err != nil {
		// url.Error already names the URL
		return nil, fmt.Errorf("remote module: %w", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("remote module %s: status %s", rawURL, resp.Status)
	}
	b, err := io.ReadAll(io.LimitReader(resp.Body, maxSize+1))
	if err != nil {
		return nil, fmt.Errorf("remote module %s: %w", rawURL, err)
	}
	if len(b) > maxSize {
		return nil, fmt.Errorf("remote module %s: larger than %d MiB", rawURL, maxSize>>20)
	}
	return b, nil
}

// cacheBase is the path, without extension, of rawURL's files in the cache directory dir.
func cacheBase(dir, rawURL string) string {
	key := sha256.Sum256([]byte(rawURL))
	return filepath.Join(dir, hex.EncodeToString(key[:]))
}

func hashOf(b []byte) string {
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

// readCache returns the cached module at base when its record names rawURL and its content
// has the recorded hash; anything else is a miss.
func readCache(base, rawURL string) (Module, bool) {
	meta, err := os.ReadFile(base + ".json")
	if err != nil {
		return Module{}, false
	}
	var e entry
	if json.Unmarshal(meta, &e) != nil || e.URL != rawURL {
		return Module{}, false
	}
	b, err := os.ReadFile(base + ".js")
	if err != nil || hashOf(b) != e.SHA256 {
		return Module{}, false
	}
	return Module{URL: rawURL, Content: b, SHA256: e.SHA256, Cached: true}, true
}

// writeCache writes the content, then its record, each through a rename so that a reader
// never sees half a file.
func writeCache(dir, base string, e entry, b []byte) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	meta, err := json.Marshal(e)
	if err != nil {
		return err
	}
	if err := writeAtomic(dir, base+".js", b); err != nil {
		return err
	}
	return writeAtomic(dir, base+".json", meta)
}

func writeAtomic(dir, path string, b []byte) error {
	tmp, err := os.CreateTemp(dir, ".tmp-*")
	if err != nil {
		return err
	}
	if _, err := tmp.Write(b); err != nil {
		tmp.Close()
		os.Remove(tmp.Name())
		return err
	}
	if err := tmp.Close(); err != nil {
		os.Remove(tmp.Name())
		return err
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		os.Remove(tmp.Name())
		return err
	}
	return nil
}
