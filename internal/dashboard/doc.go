// Package dashboard serves a run's report live over HTTP: the same page as the HTML report,
// updated once a second through server-sent events, then the final report when the run ends.
//
//	d, err := dashboard.Listen("127.0.0.1:5665")
//	go d.Serve()
//	d.Publish(data)   // every second: report.Data with Live set and the timeline so far
//	d.Finish(final)   // the final report; viewers reload to it
//	d.Close(ctx)      // after the hold
//
// Memory is bounded whatever the number of viewers: the server keeps only the latest data,
// and each viewer's stream reads it when told that it changed (viewers that fall behind skip
// intermediate updates rather than queueing them).
package dashboard
