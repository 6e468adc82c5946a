package stream

import (
	"bufio"
	"encoding/json"
	"math"
	"strconv"
	"time"

	"github.com/nnprotect/nnjs/engine/metrics"
)

// maxTagCache bounds the encoded tag sets kept for reuse; past it the cache starts over.
const maxTagCache = 4096

// jsonEncoder writes k6's JSON lines: a "Metric" object before the first point of each metric,
// then one "Point" object per sample:
//
//	{"type":"Metric","data":{"name":"http_reqs","type":"counter","contains":"default","thresholds":["count>10"],"submetrics":null},"metric":"http_reqs"}
//	{"metric":"http_reqs","type":"Point","data":{"time":"2026-12-04T17:20:15.123456789+01:00","value":1,"tags":{"method":"GET","status":"200"}}}
//
// It is used by the writer goroutine only.
type jsonEncoder struct {
	cfg    Config
	points map[*metrics.Metric][]byte // the start of a Point line, once the Metric line is written
	tags   map[*metrics.Tags][]byte   // encoded tag objects
	line   []byte
}

func newJSONEncoder(cfg Config) *jsonEncoder {
	return &jsonEncoder{cfg: cfg, points: map[*metrics.Metric][]byte{}, tags: map[*metrics.Tags][]byte{}}
}

func (e *jsonEncoder) header(*bufio.Writer) error { return nil }

func (e *jsonEncoder) flush() error { return nil }

// metricLine is k6's Metric object.
type metricLine struct {
	Type string `json:"type"`
	Data struct {
		Name       string      `json:"name"`
		Type       string      `json:"type"`
		Contains   string      `json:"contains"`
		Thresholds []string    `json:"thresholds"`
		Submetrics []Submetric `json:"submetrics"`
	} `json:"data"`
	Metric string `json:"metric"`
}

func (e *jsonEncoder) sample(w *bufio.Writer, s *metrics.Sample) error {
	start, ok := e.points[s.Metric]
	if !ok {
		var err error
		if start, err = e.metric(w, s.Metric); err != nil {
			return err
		}
	}
	b := append(e.line[:0], start...)
	b = time.Unix(0, s.Time).AppendFormat(b, time.RFC3339Nano)
	b = append(b, `","value":`...)
	b = appendFloat(b, s.Value)
	b = append(b, `,"tags":`...)
	b = append(b, e.tagsJSON(s.Tags)...)
	b = append(b, "}}\n"...)
	e.line = b
	_, err := w.Write(b)
	return err
}

// metric writes m's Metric line and returns the start of its Point lines.
func (e *jsonEncoder) metric(w *bufio.Writer, m *metrics.Metric) ([]byte, error) {
	var ml metricLine
	ml.Type, ml.Metric = "Metric", m.Name
	ml.Data.Name, ml.Data.Type, ml.Data.Contains = m.Name, m.Type.String(), m.Contains.String()
	ml.Data.Thresholds = e.cfg.Thresholds[m.Name]
	if ml.Data.Thresholds == nil {
		ml.Data.Thresholds = []string{}
	}
	ml.Data.Submetrics = e.cfg.Submetrics[m.Name]
	b, err := json.Marshal(ml)
	if err != nil {
		return nil, err
	}
	if _, err := w.Write(append(b, '\n')); err != nil {
		return nil, err
	}
	name, _ := json.Marshal(m.Name) // a string always marshals
	start := append(append([]byte(`{"metric":`), name...), `,"type":"Point","data":{"time":"`...)
	e.points[m] = start
	return start, nil
}

// tagsJSON returns the JSON object of a tag set (null when empty, as k6 writes it).
func (e *jsonEncoder) tagsJSON(t *metrics.Tags) []byte {
	if t.Len() == 0 {
		return []byte("null")
	}
	if b, ok := e.tags[t]; ok {
		return b
	}
	if len(e.tags) >= maxTagCache {
		clear(e.tags)
	}
	b, _ := json.Marshal(t.Map()) // a map of strings always marshals
	e.tags[t] = b
	return b
}

// appendFloat appends v as a JSON number; NaN and infinities, which JSON cannot carry, are
// written as null.
func appendFloat(b []byte, v float64) []byte {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return append(b, "null"...)
	}
	return strconv.AppendFloat(b, v, 'g', -1, 64)
}
