package main

import (
	"errors"
	"fmt"
	"regexp"
	"strings"
	"sync"

	"github.com/nnprotect/nnjs/internal/pg"
	"github.com/nnprotect/nnjs/jsapi/k6sql"
	"github.com/nnprotect/nnjs/seed"
)

// refusedDial finds the address of a refused TCP connection in an error's text, httpURL an
// HTTP URL: together, what a script reports when the service it loads is not running. Both
// are compiled on first use (only a failed run needs them), not at every start.
var (
	refusedDial = sync.OnceValue(func() *regexp.Regexp {
		return regexp.MustCompile(`dial tcp ([^\s]+): connect: connection refused`)
	})
	httpURL = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`https?://[^\s'"]+`) })
)

// hintFor returns one line telling what to do about err's common causes, or "".
func hintFor(err error) string {
	var ns *seed.NotStagingError
	if errors.As(err, &ns) {
		return fmt.Sprintf("if %q is a disposable staging database, mark it once: "+
			"nnjs seed --init --db <its URL> %s=%s --operator <your name>", ns.Database, seed.ConsentFlag, ns.Database)
	}
	var oe *k6sql.OpenError
	var ce *pg.ConnectError
	msg := err.Error()
	switch {
	case errors.As(err, &oe), errors.As(err, &ce):
		if m := refusedDial().FindStringSubmatch(msg); m != nil {
			return fmt.Sprintf("nothing accepts connections at %s: start PostgreSQL or fix the host and port in the URL", m[1])
		}
		return ""
	case !strings.Contains(msg, "connection refused"):
		return ""
	}
	target := strings.TrimRight(httpURL().FindString(msg), ".,:;)")
	if target == "" {
		m := refusedDial().FindStringSubmatch(msg)
		if m == nil {
			return ""
		}
		target = m[1]
	}
	if strings.Contains(msg, "payment API") {
		return fmt.Sprintf("nothing answers at %s: start the payment API first, e.g. "+
			"bin/paymentapi --db $DATABASE_URL --listen %s (make build builds it)", target, hostPort(target))
	}
	return fmt.Sprintf("nothing answers at %s: start the service under test first", target)
}

// hostPort returns the host:port of an http(s) URL (the URL itself when it has no scheme).
func hostPort(u string) string {
	if _, rest, ok := strings.Cut(u, "://"); ok {
		u = rest
	}
	host, _, _ := strings.Cut(u, "/")
	return host
}
