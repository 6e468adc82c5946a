package options

import (
	"bytes"
	"crypto/tls"
	"encoding/json"
	"fmt"
	"sort"
	"strings"
)

// TLSVersions are k6's tlsVersion option: "tls1.2" (that version only) or
// {"min": "tls1.2", "max": "tls1.3"} (either bound may be left out).
type TLSVersions struct {
	Min, Max uint16 // 0: not set
}

var tlsVersionNames = map[string]uint16{"tls1.0": tls.VersionTLS10, "tls1.1": tls.VersionTLS11,
	"tls1.2": tls.VersionTLS12, "tls1.3": tls.VersionTLS13}

func tlsVersion(s string) (uint16, error) {
	v, ok := tlsVersionNames[strings.ToLower(s)]
	if !ok {
		return 0, fmt.Errorf("unknown TLS version %q (use tls1.0, tls1.1, tls1.2 or tls1.3)", s)
	}
	return v, nil
}

// UnmarshalJSON reads a version string or a {min, max} object.
func (v *TLSVersions) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	if len(b) > 0 && b[0] == '"' {
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		x, err := tlsVersion(s)
		if err != nil {
			return err
		}
		*v = TLSVersions{Min: x, Max: x}
		return nil
	}
	var raw struct{ Min, Max string }
	if err := json.Unmarshal(b, &raw); err != nil {
		return fmt.Errorf(`want "tls1.2" or {"min": "tls1.2", "max": "tls1.3"}: %w`, err)
	}
	var out TLSVersions
	var err error
	if raw.Min != "" {
		if out.Min, err = tlsVersion(raw.Min); err != nil {
			return err
		}
	}
	if raw.Max != "" {
		if out.Max, err = tlsVersion(raw.Max); err != nil {
			return err
		}
	}
	if out.Min != 0 && out.Max != 0 && out.Min > out.Max {
		return fmt.Errorf("min %s is above max %s", raw.Min, raw.Max)
	}
	*v = out
	return nil
}

// MarshalJSON writes the {min, max} form.
func (v TLSVersions) MarshalJSON() ([]byte, error) {
	name := func(x uint16) string {
		for k, n := range tlsVersionNames {
			if n == x {
				return k
			}
		}
		return ""
	}
	return json.Marshal(map[string]string{"min": name(v.Min), "max": name(v.Max)})
}

// CipherSuites are k6's tlsCipherSuites option: cipher suite names as Go and k6 spell them
// ("TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256").
type CipherSuites []string

// IDs returns the suites' identifiers (names were checked when read).
func (c CipherSuites) IDs() []uint16 {
	ids := make([]uint16, 0, len(c))
	for _, n := range c {
		if id, ok := cipherSuiteID(n); ok {
			ids = append(ids, id)
		}
	}
	return ids
}

func cipherSuiteID(name string) (uint16, bool) {
	for _, s := range append(tls.CipherSuites(), tls.InsecureCipherSuites()...) {
		if s.Name == name {
			return s.ID, true
		}
	}
	return 0, false
}

// UnmarshalJSON reads a list of names and checks each.
func (c *CipherSuites) UnmarshalJSON(b []byte) error {
	var names []string
	if err := json.Unmarshal(b, &names); err != nil {
		return fmt.Errorf("want a list of cipher suite names: %w", err)
	}
	for _, n := range names {
		if _, ok := cipherSuiteID(n); !ok {
			var known []string
			for _, s := range tls.CipherSuites() {
				known = append(known, s.Name)
			}
			sort.Strings(known)
			return fmt.Errorf("unknown cipher suite %q (known: %s)", n, strings.Join(known, ", "))
		}
	}
	*c = names
	return nil
}

// TLSAuth is one entry of k6's tlsAuth option: a client certificate and its key (PEM), and
// the domains it is meant for.
type TLSAuth struct {
	Domains  []string `json:"domains,omitempty"`
	Cert     string   `json:"cert"`
	Key      string   `json:"key"`
	Password string   `json:"password,omitempty"`
}

// Certificate parses the pair.
func (a TLSAuth) Certificate() (tls.Certificate, error) {
	if a.Password != "" {
		return tls.Certificate{}, fmt.Errorf("encrypted keys (password) are not supported by nnjs: decrypt the key first")
	}
	return tls.X509KeyPair([]byte(a.Cert), []byte(a.Key))
}

// TLSAuths is the tlsAuth list; every entry is checked when read.
type TLSAuths []TLSAuth

// UnmarshalJSON reads the list and parses every certificate.
func (l *TLSAuths) UnmarshalJSON(b []byte) error {
	var list []TLSAuth
	if err := json.Unmarshal(b, &list); err != nil {
		return fmt.Errorf("want a list of {domains, cert, key}: %w", err)
	}
	for i, a := range list {
		if _, err := a.Certificate(); err != nil {
			return fmt.Errorf("[%d]: %w", i, err)
		}
	}
	*l = list
	return nil
}
