package stream

import (
	"bufio"
	"encoding/csv"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/nnprotect/nnjs/engine/metrics"
)

// csvTagColumns are the tag columns of k6's CSV output: its indexable system tags enabled by
// default, in name order. Other tags go to extra_tags as k=v&k=v.
var csvTagColumns = []string{"check", "error", "error_code", "expected_response", "group", "method", "name",
	"proto", "scenario", "service", "status", "subproto", "tls_version", "url"}

// csvIgnoredTags are system tags k6 leaves out of its CSV by default (neither a column nor an
// extra tag).
var csvIgnoredTags = []string{"iter", "ip", "ocsp_status", "vu"}

// csvEncoder writes k6's CSV: a header row, then one row per sample with the Unix time in
// seconds (k6's default timeFormat) and the value with six decimals (k6's %f). metadata is
// always empty: nnjs samples carry no metadata.
//
// It is used by the writer goroutine only.
type csvEncoder struct {
	w   *csv.Writer
	row []string
	sb  strings.Builder
}

func newCSVEncoder() *csvEncoder {
	return &csvEncoder{row: make([]string, 3+len(csvTagColumns)+2)}
}

func (e *csvEncoder) header(w *bufio.Writer) error {
	e.w = csv.NewWriter(w)
	head := append(append([]string{"metric_name", "timestamp", "metric_value"}, csvTagColumns...), "extra_tags", "metadata")
	return e.w.Write(head)
}

func (e *csvEncoder) sample(_ *bufio.Writer, s *metrics.Sample) error {
	r := e.row
	r[0] = s.Metric.Name
	r[1] = strconv.FormatInt(time.Unix(0, s.Time).Unix(), 10)
	r[2] = strconv.FormatFloat(s.Value, 'f', 6, 64)
	clear(r[3 : len(r)-2])
	e.sb.Reset()
	for _, p := range s.Tags.Pairs() { // sorted by key
		if i, ok := slices.BinarySearch(csvTagColumns, p.Key); ok {
			r[3+i] = p.Value
			continue
		}
		if slices.Contains(csvIgnoredTags, p.Key) {
			continue
		}
		if e.sb.Len() > 0 {
			e.sb.WriteByte('&')
		}
		e.sb.WriteString(p.Key)
		e.sb.WriteByte('=')
		e.sb.WriteString(p.Value)
	}
	r[len(r)-2], r[len(r)-1] = e.sb.String(), ""
	return e.w.Write(r)
}

// flush writes csv.Writer's buffer into the file's; its write errors show here.
func (e *csvEncoder) flush() error {
	e.w.Flush()
	return e.w.Error()
}
