package report

import (
	_ "embed"
	"encoding/json"
	"fmt"
	"html"
	"io"
	"strings"
)

// The page's assets: uPlot (pinned from the npm registry, see assets/uplot/fetch.sh), and
// the report's own script and style.
var (
	//go:embed assets/uplot/uPlot.iife.min.js
	uplotJS string
	//go:embed assets/uplot/uPlot.min.css
	uplotCSS string
	//go:embed assets/report.js
	reportJS string
	//go:embed assets/report.css
	reportCSS string
)

// Page options: a static report forbids every network request; a live dashboard page may
// connect back to the server that sent it (its event stream).
const (
	cspStatic = "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:"
	cspLive   = cspStatic + "; connect-src 'self'"
)

// WriteHTML writes d as one self-contained page: data, charting library, script and style
// inline, no request of any kind when opened from disk (its Content-Security-Policy forbids
// them).
func WriteHTML(w io.Writer, d *Data) error {
	js, err := json.Marshal(d) // escapes <, > and &, so the data cannot end its script element
	if err != nil {
		return fmt.Errorf("report: encode data: %w", err)
	}
	csp := cspStatic
	if d.Live {
		csp = cspLive
	}
	var b strings.Builder
	b.Grow(len(js) + len(uplotJS) + len(reportJS) + 8192)
	b.WriteString("<!doctype html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
	fmt.Fprintf(&b, "<meta http-equiv=\"Content-Security-Policy\" content=\"%s\">\n", csp)
	b.WriteString("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
	fmt.Fprintf(&b, "<title>%s</title>\n", html.EscapeString(d.Title))
	b.WriteString("<style>\n" + uplotCSS + "\n" + reportCSS + "\n</style>\n</head>\n<body>\n")
	b.WriteString("<main id=\"app\"><p class=\"loading\">Rendering the report… (JavaScript is needed to draw it.)</p></main>\n")
	b.WriteString("<script id=\"nnjs-data\" type=\"application/json\">")
	b.Write(js)
	b.WriteString("</script>\n<script>\n" + uplotJS + "\n</script>\n<script>\n" + reportJS + "\n</script>\n</body>\n</html>\n")
	if _, err := io.WriteString(w, b.String()); err != nil {
		return fmt.Errorf("report: write page: %w", err)
	}
	return nil
}
