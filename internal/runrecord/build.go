package runrecord

import (
	"runtime"
	"runtime/debug"
)

// Build identifies the nnjs binary: its version, the VCS revision it was built from (empty
// when the build did not stamp one, e.g. `go test` or -buildvcs=false), whether the work
// tree had local changes, and the Go version.
type Build struct {
	Version  string `json:"version"`
	Revision string `json:"revision"`
	Modified bool   `json:"modified"`
	Go       string `json:"go"`
}

// ReadBuild returns the Build of the running binary. version is the version set at link
// time; when empty, the module version from the build info is used, else "dev".
func ReadBuild(version string) Build {
	b := Build{Version: version, Go: runtime.Version()}
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		if b.Version == "" {
			b.Version = "dev"
		}
		return b
	}
	if b.Version == "" && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
		b.Version = bi.Main.Version
	}
	if b.Version == "" {
		b.Version = "dev"
	}
	for _, s := range bi.Settings {
		switch s.Key {
		case "vcs.revision":
			b.Revision = s.Value
		case "vcs.modified":
			b.Modified = s.Value == "true"
		}
	}
	return b
}
