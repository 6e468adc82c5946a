package main

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/spf13/pflag"

	"github.com/nnprotect/nnjs/internal/remotemod"
)

// remoteFlags are the flags of the modules a script imports by URL.
type remoteFlags struct {
	offline  bool // --offline
	insecure bool // --insecure-remote-modules
}

func (r *remoteFlags) add(fs *pflag.FlagSet) {
	fs.BoolVar(&r.offline, "offline", false, "fetch no remote module: imports by URL are served from the module cache only, a miss is an error (also NNJS_OFFLINE=true)")
	fs.BoolVar(&r.insecure, "insecure-remote-modules", false, "allow importing modules over plain http:// (https:// only otherwise)")
}

// fetcher returns the fetcher of the script's remote modules, caching in the user's cache
// directory. NNJS_OFFLINE (when not empty) sets --offline when the flag is not given.
func (r *remoteFlags) fetcher(fs *pflag.FlagSet, lookup func(string) (string, bool)) (*remotemod.Fetcher, error) {
	offline := r.offline
	if v, ok := lookup("NNJS_OFFLINE"); ok && strings.TrimSpace(v) != "" && !fs.Changed("offline") {
		b, err := strconv.ParseBool(strings.TrimSpace(v))
		if err != nil {
			return nil, fmt.Errorf("environment variable NNJS_OFFLINE=%q: not a boolean (true, false, 1, 0)", v)
		}
		offline = b
	}
	return remotemod.New(remotemod.Config{Offline: offline, AllowHTTP: r.insecure}), nil
}
