package summary

import (
	"slices"
	"strings"

	"github.com/nnprotect/nnjs/engine/metrics"
)

// section is one metrics block of the text summary.
type section struct {
	title string
	names []string
}

// sectionOrder is k6's: custom metrics first, then the built-in groups.
var sectionOrder = []string{"CUSTOM", "HTTP", "EXECUTION", "NETWORK", "WEBSOCKET"}

var sectionOf = map[string]string{
	metrics.HTTPReqs: "HTTP", metrics.HTTPReqFailed: "HTTP", metrics.HTTPReqDuration: "HTTP",
	metrics.VUs: "EXECUTION", metrics.VUsMax: "EXECUTION", metrics.Iterations: "EXECUTION",
	metrics.IterationDuration: "EXECUTION", metrics.DroppedIterations: "EXECUTION",
	metrics.IterationErrors: "EXECUTION", metrics.IterationsInterrupted: "EXECUTION",
	metrics.DataSent: "NETWORK", metrics.DataReceived: "NETWORK",
	metrics.WSSessions: "WEBSOCKET", metrics.WSConnecting: "WEBSOCKET", metrics.WSSessionDuration: "WEBSOCKET",
	metrics.WSMessagesSent: "WEBSOCKET", metrics.WSMessagesRecv: "WEBSOCKET", metrics.WSPing: "WEBSOCKET",
}

// compactSkipped are the metrics k6's compact summary leaves out (checks get their own block).
var compactSkipped = map[string]bool{
	metrics.Checks: true, metrics.GroupDuration: true,
	metrics.HTTPReqBlocked: true, metrics.HTTPReqConnecting: true, metrics.HTTPReqTLSHandshaking: true,
	metrics.HTTPReqSending: true, metrics.HTTPReqWaiting: true, metrics.HTTPReqReceiving: true,
}

// sections splits the report's metrics into the non-empty text sections, names sorted with
// sub-metrics right after their parent.
func sections(r *Report) []section {
	byTitle := map[string][]string{}
	for name := range r.Metrics {
		parent := parentName(name)
		if compactSkipped[parent] {
			continue
		}
		title, ok := sectionOf[parent]
		if !ok {
			title = "CUSTOM"
		}
		byTitle[title] = append(byTitle[title], name)
	}
	var out []section
	for _, title := range sectionOrder {
		if names := byTitle[title]; len(names) > 0 {
			out = append(out, section{title: title, names: sortMetricNames(names)})
		}
	}
	return out
}

func parentName(name string) string {
	parent, _, _ := strings.Cut(name, "{")
	return parent
}

// sortMetricNames sorts by parent metric, then by sub-metric suffix (the parent first).
func sortMetricNames(names []string) []string {
	slices.SortFunc(names, func(a, b string) int {
		pa, pb := parentName(a), parentName(b)
		if c := strings.Compare(pa, pb); c != 0 {
			return c
		}
		return strings.Compare(a[len(pa):], b[len(pb):])
	})
	return names
}
