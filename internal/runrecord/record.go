package runrecord

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/nnprotect/nnjs/internal/pg"
)

// Record is the description of one run. Its JSON shape (camelCase, as k6's options):
//
//	{
//	  "id": "5f0c2a9e81d4b7a3",                  // random, shared by every output of the run
//	  "nnjs": {"version": "v0.4.0", "revision": "9f3c…", "modified": false, "go": "go1.26.8"},
//	  "start": "2026-12-04T16:20:15.123Z",       // UTC: the run started (before the VUs' init)
//	  "end": "2026-12-04T16:20:45.456Z",         // UTC: the load ended (after teardown)
//	  "host": "ci-runner-7",
//	  "command": ["nnjs", "run", "-e", "TOKEN=xxxxx", "payment.js"],
//	  "script": {"path": "payment.js", "sha256": "…"},
//	  "modules": [{"path": "lib/wallet.js", "sha256": "…"},
//	              {"path": "https://jslib.k6.io/k6-utils/1.4.0/index.js", "sha256": "…"}],
//	  "options": {"scenarios": {…}, "thresholds": {…}, …},
//	  "executionSegment": "0:1",
//	  "executionSegmentSequence": "",
//	  "databases": [{"roles": ["integrity", "monitor"], "url": "postgres://u:xxxxx@h/db",
//	                 "serverVersion": "15.8", "database": "nnprotect_staging", "staging": true,
//	                 "seedPlan": {…}, "seedGeneration": 3}]
//	}
//
// Script paths are as given on the command line (or in the suite file); local module paths are
// relative to the script's directory, remote modules are named by their URL (password masked). The command line, the options and the database URLs
// have their secrets masked. A Record is plain data; it is not safe for concurrent writes.
type Record struct {
	ID                       string          `json:"id"`
	NNJS                     Build           `json:"nnjs"`
	Start                    time.Time       `json:"start"`
	End                      time.Time       `json:"end,omitzero"`
	Host                     string          `json:"host"`
	Command                  []string        `json:"command"`
	Script                   File            `json:"script"`
	Modules                  []File          `json:"modules"`
	Options                  json.RawMessage `json:"options"`
	ExecutionSegment         string          `json:"executionSegment"`
	ExecutionSegmentSequence string          `json:"executionSegmentSequence"`
	Databases                []Database      `json:"databases,omitempty"`
}

// File is one source file of the run and the SHA-256 (hex) of the bytes compiled.
type File struct {
	Path   string `json:"path"`
	SHA256 string `json:"sha256"`
}

// Input is what New needs.
type Input struct {
	Version string   // the nnjs version (see ReadBuild)
	Args    []string // the process's command line, os.Args (masked by New)
	Script  string   // the script's path as the user gave it
	// Sources are the compiled files with absolute paths (remote modules: their URLs), entry
	// script first (as jsapi.Program.Sources lists them).
	Sources []File
	// Options are the resolved options; they are marshalled to JSON and masked.
	Options any
	// Segment and Sequence are the execution segment and its sequence ("" for the whole test).
	Segment, Sequence string
	Start             time.Time
}

// New builds the record of a run that starts at in.Start; Finish sets its end.
func New(in Input) (*Record, error) {
	opts, err := maskOptions(in.Options)
	if err != nil {
		return nil, fmt.Errorf("run record: options: %w", err)
	}
	host, err := os.Hostname()
	if err != nil {
		host = "unknown (" + err.Error() + ")"
	}
	r := &Record{
		ID: newID(), NNJS: ReadBuild(in.Version), Start: in.Start.UTC(), Host: host,
		Command: MaskArgs(in.Args), Script: File{Path: in.Script}, Modules: []File{}, Options: opts,
		ExecutionSegment: in.Segment, ExecutionSegmentSequence: in.Sequence,
	}
	if r.ExecutionSegment == "" {
		r.ExecutionSegment = "0:1"
	}
	for i, s := range in.Sources {
		if i == 0 {
			r.Script.SHA256 = s.SHA256
			continue
		}
		r.Modules = append(r.Modules, File{Path: relativeTo(in.Sources[0].Path, s.Path), SHA256: s.SHA256})
	}
	return r, nil
}

// relativeTo returns path relative to the directory of entry, or, for a remote module, its
// URL with any password masked.
func relativeTo(entry, path string) string {
	if strings.Contains(path, "://") {
		return pg.MaskURL(path)
	}
	rel, err := filepath.Rel(filepath.Dir(entry), path)
	if err != nil {
		return path
	}
	return filepath.ToSlash(rel)
}

func newID() string {
	var b [8]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails
	return hex.EncodeToString(b[:])
}

// Finish sets the end of the run (UTC).
func (r *Record) Finish(end time.Time) { r.End = end.UTC() }

// Header is the one-line form of the record for the top of the text summary: nnjs version and
// revision, script and hash, segment, times and host.
func (r *Record) Header() string {
	var b strings.Builder
	fmt.Fprintf(&b, "run %s · nnjs %s", r.ID, r.NNJS.Version)
	if r.NNJS.Revision != "" {
		fmt.Fprintf(&b, " (%s%s)", short(r.NNJS.Revision, 12), map[bool]string{true: ", modified"}[r.NNJS.Modified])
	}
	fmt.Fprintf(&b, " · %s sha256:%s", r.Script.Path, short(r.Script.SHA256, 12))
	if n := len(r.Modules); n > 0 {
		fmt.Fprintf(&b, " +%d module%s", n, map[bool]string{true: "s"}[n > 1])
	}
	if r.ExecutionSegment != "0:1" {
		fmt.Fprintf(&b, " · segment %s", r.ExecutionSegment)
	}
	fmt.Fprintf(&b, " · %s", r.Start.Format(time.RFC3339))
	if !r.End.IsZero() {
		fmt.Fprintf(&b, " → %s", r.End.Format(time.RFC3339))
	}
	fmt.Fprintf(&b, " · host %s", r.Host)
	return b.String()
}

func short(s string, n int) string {
	if len(s) > n {
		return s[:n]
	}
	return s
}
