// Package pg is nnjs's PostgreSQL connection plumbing, the one place that opens connections
// with nnjs's defaults, hides passwords and describes connection failures:
//
//	pool, err := pg.Open(ctx, url)                      // pool + ping, application_name "nnjs"
//	cc, err := pg.ConnConfig(url, pg.MonitorAppName)     // one connection's config
//	conn, err := pg.Connect(ctx, cc)                     // bounded by DialTimeout and ctx
//	var ce *pg.ConnectError                              // "database at <masked> unreachable: ..."
//	if errors.As(err, &ce) { ce.SQLState() }             // 08001, or the server's code (53300 ...)
//	log.Print(pg.MaskURL(url))                           // postgres://app:xxxxx@db/x
//	m := pg.NewMasker(url, cfg.ConnConfig.Password)      // scrubs a URL's secrets from any text
//
// Connections name themselves with application_name AppName ("nnjs"; the database monitor
// uses MonitorAppName) unless the connection string or PGAPPNAME sets one. Errors never show
// a password: the connection string is replaced by its masked form and passwords of three
// bytes or more are replaced wherever they appear.
//
// SQLState classifies any error of a statement or connection: the server's SQLSTATE when it
// sent one, 08001 when no connection could be established, 08006 when an established one
// broke.
package pg
