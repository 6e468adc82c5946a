package k6http

import (
	"net"
	"strconv"
	"strings"

	"github.com/nnprotect/nnjs/engine/options"
)

// hostTable is options.hosts made ready for the dialer.
type hostTable struct {
	exact    map[string]hostAddr
	wildcard []wildcardHost // "*.test" and "*test" keys, without the star
}

type hostAddr struct {
	ip   net.IP
	port int // 0: the request's port
}

type wildcardHost struct {
	suffix string
	addr   hostAddr
}

// newHostTable builds the table; nil when there are no entries. Values were checked when the
// options were read.
func newHostTable(h options.Hosts) *hostTable {
	if len(h) == 0 {
		return nil
	}
	t := &hostTable{exact: make(map[string]hostAddr, len(h))}
	for k, v := range h {
		ip, port, err := options.SplitHostAddr(v)
		if err != nil {
			continue
		}
		a := hostAddr{ip: ip, port: port}
		if suffix, ok := strings.CutPrefix(k, "*"); ok {
			t.wildcard = append(t.wildcard, wildcardHost{suffix: suffix, addr: a})
			continue
		}
		t.exact[k] = a
	}
	return t
}

// route returns the address to dial for "host:port", as k6: an entry for host:port first,
// then one for the host (whose port, if it has none, is the request's); exact names before
// wildcards, the longest wildcard first. An address without an entry is returned as is.
func (t *hostTable) route(addr string) string {
	if t == nil {
		return addr
	}
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return addr
	}
	host = strings.ToLower(host)
	for _, key := range []string{net.JoinHostPort(host, port), host} {
		if a, ok := t.lookup(key); ok {
			p := port
			if a.port != 0 {
				p = strconv.Itoa(a.port)
			}
			return net.JoinHostPort(a.ip.String(), p)
		}
	}
	return addr
}

func (t *hostTable) lookup(key string) (hostAddr, bool) {
	if a, ok := t.exact[key]; ok {
		return a, true
	}
	best, found := -1, false
	var out hostAddr
	for _, w := range t.wildcard {
		if len(w.suffix) > best && len(key) > len(w.suffix) && strings.HasSuffix(key, w.suffix) {
			best, out, found = len(w.suffix), w.addr, true
		}
	}
	return out, found
}
