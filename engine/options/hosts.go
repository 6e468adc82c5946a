package options

import (
	"encoding/json"
	"fmt"
	"net"
	"regexp"
	"strconv"
	"strings"
	"sync"
)

// Hosts is k6's `hosts` option: the address to dial instead of a name, like /etc/hosts.
// A key is a host name, optionally with a port ("api.test:8443") and optionally a leading
// wildcard ("*.test" or "*test"); a value is an IP, optionally with a port. Keys are lower
// case after decoding.
type Hosts map[string]string

// hostPattern is the key syntax k6 accepts (compiled on first use, not at every start).
var hostPattern = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`^(\*\.?)?((([a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9\-]*[a-zA-Z0-9])\.)*([A-Za-z0-9]|[A-Za-z0-9][A-Za-z0-9\-]*[A-Za-z0-9]))?(:[0-9]{1,5})?$`)
})

// UnmarshalJSON reads {"name": "ip[:port]"} and checks every entry.
func (h *Hosts) UnmarshalJSON(b []byte) error {
	var raw map[string]string
	if err := json.Unmarshal(b, &raw); err != nil {
		return fmt.Errorf("want an object of host name to IP address: %w", err)
	}
	out := make(Hosts, len(raw))
	for k, v := range raw {
		if !hostPattern().MatchString(k) {
			return fmt.Errorf("invalid host pattern %q", k)
		}
		if _, _, err := SplitHostAddr(v); err != nil {
			return fmt.Errorf("%q: %w", k, err)
		}
		out[strings.ToLower(k)] = v
	}
	*h = out
	return nil
}

// SplitHostAddr splits a hosts value into its IP and port (0 when none is given).
func SplitHostAddr(v string) (net.IP, int, error) {
	host, port, err := net.SplitHostPort(v)
	if err != nil {
		host, port = v, ""
	}
	ip := net.ParseIP(host)
	if ip == nil {
		return nil, 0, fmt.Errorf("%q is not an IP address or IP:port", v)
	}
	if port == "" {
		return ip, 0, nil
	}
	p, err := strconv.Atoi(port)
	if err != nil || p <= 0 || p > 65535 {
		return nil, 0, fmt.Errorf("%q: invalid port", v)
	}
	return ip, p, nil
}
