// Package runrecord describes one run of nnjs: which nnjs (version and VCS revision), when
// (start and end, UTC), where (host), how it was started (the command line, secrets masked),
// exactly which code ran (the SHA-256 of the script and of each bundled local module), with
// which resolved options and execution segment, and against which databases (server version,
// database name, staging marker, seed plan).
//
// nnjs builds one Record per run and every output carries the same one: the summary export
// and handleSummary's data (key "run"), --out result= files, JUnit properties and the text
// summary's header line.
//
//	rec := runrecord.New(runrecord.Input{Version: version, Args: os.Args, Script: path,
//		Sources: prog.Sources(), Options: opts, Start: start})
//	rec.Databases = append(rec.Databases, runrecord.Fingerprint(ctx, db, url, "integrity"))
//	rec.Finish(time.Now())
//	fmt.Fprintln(w, rec.Header())
package runrecord
