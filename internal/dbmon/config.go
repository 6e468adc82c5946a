package dbmon

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"sort"
	"time"

	"github.com/nnprotect/nnjs/engine/options"
)

// DefaultInterval is the sampling period when none is given.
const DefaultInterval = time.Second

// MinInterval is the shortest sampling period accepted: each sample is one transaction of five
// small queries on the monitored server.
const MinInterval = 10 * time.Millisecond

// Config configures a Monitor.
type Config struct {
	// URL is the PostgreSQL URL or key=value DSN of the database under test. The monitor opens
	// its own single connection with application_name 'nnjs-monitor'.
	URL string
	// Interval is the sampling period (DefaultInterval when zero, at least MinInterval).
	Interval time.Duration
	// Tables limits db_rows_changed to these tables ("wallets" or "schema.wallets"); empty
	// means every user table with changes.
	Tables []string
	// FlushWait bounds how long Stop waits for PostgreSQL to publish the statistics of the
	// sessions busy during the run before the last sample: zero means DefaultFlushWait,
	// NoFlushWait skips the wait (the last counts may then be short).
	FlushWait time.Duration
	// Logger receives the monitor's warnings (e.g. a table of Tables that does not exist);
	// nil discards them. They are in Report.Warnings too.
	Logger *slog.Logger
	// Enabled reports whether options.db.monitor asked for the monitor (an object or true).
	// ParseOptions sets it; New ignores it: the caller decides (--db-monitor forces it).
	Enabled bool
}

// NoFlushWait as Config.FlushWait makes Stop take the last sample without waiting for the
// statistics flush (options.db.monitor.flushWait: 0).
const NoFlushWait time.Duration = -1

// ErrNoURL is returned by New when the configuration has no database URL.
var ErrNoURL = errors.New("dbmon: no database URL (set options.db.url or --db-monitor URL)")

// OptionError is a bad value in options.db. Option is the dotted path of the option
// ("db.monitor.interval"); Err is the cause (it wraps options.ErrDuration for bad durations).
type OptionError struct {
	Option string
	Err    error
}

// Error names the option and the cause.
func (e *OptionError) Error() string { return fmt.Sprintf("option %s: %v", e.Option, e.Err) }

// Unwrap returns the cause.
func (e *OptionError) Unwrap() error { return e.Err }

func optErr(option string, format string, args ...any) error {
	return &OptionError{Option: option, Err: fmt.Errorf(format, args...)}
}

// monitorJSON is the shape of options.db.monitor when it is an object.
type monitorJSON struct {
	URL       *string           `json:"url"`
	Interval  *options.Duration `json:"interval"`
	FlushWait *options.Duration `json:"flushWait"`
	Tables    []string          `json:"tables"`
}

var monitorKeys = map[string]bool{"url": true, "interval": true, "flushWait": true, "tables": true}

// ParseOptions reads options.db (raw is its JSON; empty or null gives a zero Config):
//
//	db: { url: 'postgres://...', monitor: { interval: '1s', tables: ['wallets'], url: '...', flushWait: '11s' } }
//
// monitor may also be true (defaults) or false. monitor.url overrides db.url for the monitor
// only (e.g. a direct connection when the VUs go through a pooler). Other keys of db belong to
// other features and are ignored; unknown keys of db.monitor are errors. Errors are
// *OptionError values naming the option (db.monitor.interval, db.monitor.tables, ...).
func ParseOptions(raw json.RawMessage) (Config, error) {
	var cfg Config
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || string(raw) == "null" {
		return cfg, nil
	}
	var db map[string]json.RawMessage
	if err := json.Unmarshal(raw, &db); err != nil {
		return cfg, optErr("db", "must be an object: %w", err)
	}
	if u, ok := db["url"]; ok && string(bytes.TrimSpace(u)) != "null" {
		if err := json.Unmarshal(u, &cfg.URL); err != nil {
			return cfg, optErr("db.url", "must be a string: %w", err)
		}
	}
	mon, ok := db["monitor"]
	if !ok {
		return cfg, nil
	}
	return parseMonitor(cfg, bytes.TrimSpace(mon))
}

// parseMonitor reads options.db.monitor into cfg.
func parseMonitor(cfg Config, raw json.RawMessage) (Config, error) {
	switch string(raw) {
	case "null", "false":
		return cfg, nil
	case "true":
		cfg.Enabled, cfg.Interval = true, DefaultInterval
		return cfg, nil
	}
	var keys map[string]json.RawMessage
	if err := json.Unmarshal(raw, &keys); err != nil {
		return cfg, optErr("db.monitor", "must be an object or a boolean: %w", err)
	}
	if err := checkKeys(keys); err != nil {
		return cfg, err
	}
	var m monitorJSON
	if v, ok := keys["interval"]; ok {
		if err := json.Unmarshal(v, &m.Interval); err != nil {
			return cfg, &OptionError{Option: "db.monitor.interval", Err: err}
		}
	}
	if v, ok := keys["flushWait"]; ok {
		if err := json.Unmarshal(v, &m.FlushWait); err != nil {
			return cfg, &OptionError{Option: "db.monitor.flushWait", Err: err}
		}
	}
	if v, ok := keys["url"]; ok {
		if err := json.Unmarshal(v, &m.URL); err != nil {
			return cfg, optErr("db.monitor.url", "must be a string: %w", err)
		}
	}
	if v, ok := keys["tables"]; ok {
		if err := json.Unmarshal(v, &m.Tables); err != nil {
			return cfg, optErr("db.monitor.tables", "must be a list of table names: %w", err)
		}
	}
	return applyMonitor(cfg, m)
}

// checkKeys rejects unknown keys of db.monitor, naming the first one in sorted order.
func checkKeys(keys map[string]json.RawMessage) error {
	var unknown []string
	for k := range keys {
		if !monitorKeys[k] {
			unknown = append(unknown, k)
		}
	}
	if len(unknown) == 0 {
		return nil
	}
	sort.Strings(unknown)
	return optErr("db.monitor."+unknown[0], "unknown option (known: flushWait, interval, tables, url)")
}

// applyMonitor validates the decoded monitor object and copies it into cfg.
func applyMonitor(cfg Config, m monitorJSON) (Config, error) {
	cfg.Enabled, cfg.Interval = true, DefaultInterval
	if m.FlushWait != nil {
		cfg.FlushWait = m.FlushWait.D()
		if cfg.FlushWait == 0 {
			cfg.FlushWait = NoFlushWait
		}
	}
	if m.Interval != nil {
		if err := checkInterval(m.Interval.D()); err != nil {
			return cfg, &OptionError{Option: "db.monitor.interval", Err: err}
		}
		cfg.Interval = m.Interval.D()
	}
	if m.URL != nil && *m.URL != "" {
		cfg.URL = *m.URL
	}
	for i, t := range m.Tables {
		if t == "" {
			return cfg, optErr("db.monitor.tables", "entry %d is empty", i)
		}
	}
	cfg.Tables = m.Tables
	return cfg, nil
}

// ErrInterval is wrapped by errors for a sampling interval below MinInterval.
var ErrInterval = errors.New("sampling interval too short")

func checkInterval(d time.Duration) error {
	if d < MinInterval {
		return fmt.Errorf("%w: %s (minimum %s)", ErrInterval, d, MinInterval)
	}
	return nil
}
