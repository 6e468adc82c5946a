package main

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/nnprotect/nnjs/internal/pg"
	"github.com/nnprotect/nnjs/internal/runrecord"
)

// fingerprintTimeout bounds reading the fingerprint of the run's databases before the load.
const fingerprintTimeout = 15 * time.Second

// newRecord builds the run record of script s as started at start: nnjs's build, the command
// line (masked), the hashes of the compiled files, the resolved options and the segment.
func (a *app) newRecord(s *script, start time.Time) (*runrecord.Record, error) {
	srcs := s.prog.Sources()
	files := make([]runrecord.File, len(srcs))
	for i, f := range srcs {
		files[i] = runrecord.File{Path: f.Path, SHA256: f.SHA256}
	}
	return runrecord.New(runrecord.Input{
		Version: version, Args: a.cmdline, Script: s.path, Sources: files, Options: s.opts,
		Segment: s.opts.ExecutionSegment, Sequence: s.opts.ExecutionSegmentSequence, Start: start,
	})
}

// recordDatabases adds the fingerprint of the run's databases to its record: the integrity
// database (through its pool, opened by connect) and the monitored one (one short connection
// of its own when it is another database). What cannot be read is said in the record; it
// never stops the run.
func (r *execution) recordDatabases(ctx context.Context) {
	ctx, cancel := context.WithTimeout(ctx, fingerprintTimeout)
	defer cancel()
	var monURL string
	if r.script.db.monitor != nil {
		monURL = r.script.db.monitor.URL
	}
	if r.db.pool != nil {
		roles := []string{"integrity"}
		if monURL == r.db.integrity.URL {
			roles, monURL = append(roles, "monitor"), ""
		}
		r.record.Databases = append(r.record.Databases, runrecord.Fingerprint(ctx, r.db.pool, r.db.integrity.URL, roles...))
	}
	if monURL == "" {
		return
	}
	r.record.Databases = append(r.record.Databases, fingerprintURL(ctx, monURL, "monitor"))
}

// fingerprintURL reads the fingerprint of the database at url over one short connection.
func fingerprintURL(ctx context.Context, url string, roles ...string) runrecord.Database {
	cc, err := pg.ConnConfig(url, pg.MonitorAppName)
	if err == nil {
		var conn *pgx.Conn
		if conn, err = pg.Connect(ctx, cc); err == nil {
			defer conn.Close(context.WithoutCancel(ctx))
			return runrecord.Fingerprint(ctx, conn, url, roles...)
		}
	}
	return runrecord.Database{Roles: roles, URL: pg.MaskURL(url), Error: pg.MaskURL(err.Error())}
}

// recordJSON is the run record as JSON, the same bytes in every output of the run.
func (r *execution) recordJSON() (json.RawMessage, error) {
	b, err := json.Marshal(r.record)
	if err != nil {
		return nil, fmt.Errorf("run record: %w", err)
	}
	return b, nil
}

// addRecord adds the run record under "run" to a summary object (handleSummary's data or
// the summary export), with the database keys.
func (r *execution) addRecord(m map[string]any) error {
	if err := r.report.addTo(m); err != nil {
		return err
	}
	rec, err := r.recordJSON()
	if err != nil {
		return err
	}
	m["run"] = rec
	m["saturation"] = r.sat.Report()
	return nil
}

// extendExport adds the run record and the database keys to an exported summary document.
func (r *execution) extendExport(doc []byte, err error) ([]byte, error) {
	if err != nil {
		return nil, err
	}
	var m map[string]any
	if err := json.Unmarshal(doc, &m); err != nil {
		return nil, err
	}
	if err := r.addRecord(m); err != nil {
		return nil, err
	}
	return json.MarshalIndent(m, "", "  ")
}

// recordOrFail is the run record as JSON for the result file and the HTML report; when it
// cannot be marshalled the verdict says so (and those outputs go without it).
func (r *execution) recordOrFail() json.RawMessage {
	b, err := r.recordJSON()
	if err != nil {
		r.verdict.fail(exitInvalidConfig, err, "the run record is missing from the result file and the report")
	}
	return b
}
