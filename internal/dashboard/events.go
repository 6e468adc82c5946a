package dashboard

import (
	"encoding/json"
	"fmt"
	"net/http"

	"github.com/nnprotect/nnjs/internal/report"
)

// update is one server-sent "update" event: the data without its timeline, and the timeline
// columns the viewer does not have yet.
type update struct {
	Data     *report.Data `json:"data"`
	Timeline delta        `json:"timeline"`
}

// delta is the part of a timeline from column From on. From is 0 (the whole timeline) when
// the viewer has nothing yet or the resolution was halved since its last update.
type delta struct {
	From              int            `json:"from"`
	IntervalMs        float64        `json:"intervalMs"`
	Halvings          int            `json:"halvings"`
	ApproxPercentiles bool           `json:"approxPercentiles"`
	DroppedGroups     int            `json:"droppedGroups"`
	End               []int64        `json:"end"`
	Dur               []float64      `json:"dur"`
	Lines             []*report.Line `json:"lines"`
}

// stream is what one viewer has received.
type stream struct {
	columns, halvings int
	sent              *report.Data
}

// next returns the update for the viewer and records it as sent.
func (st *stream) next(d *report.Data) update {
	tl := d.Timeline
	if tl == nil {
		tl = &report.Timeline{}
	}
	from := st.columns
	if tl.Halvings != st.halvings || from > len(tl.End) {
		from = 0
	}
	dt := delta{From: from, IntervalMs: tl.IntervalMs, Halvings: tl.Halvings, ApproxPercentiles: tl.ApproxPercentiles,
		DroppedGroups: tl.DroppedGroups, End: tl.End[from:], Dur: tl.Dur[from:], Lines: make([]*report.Line, len(tl.Lines))}
	for i, l := range tl.Lines {
		dt.Lines[i] = l.Since(from)
	}
	st.columns, st.halvings, st.sent = len(tl.End), tl.Halvings, d
	bare := *d
	bare.Timeline = nil
	return update{Data: &bare, Timeline: dt}
}

// events streams updates to one viewer until the run's final report (one "final" event), the
// viewer leaving, or Close.
func (s *Server) events(w http.ResponseWriter, r *http.Request) {
	fl, ok := w.(http.Flusher)
	if !ok {
		http.Error(w, "streaming unsupported", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/event-stream")
	w.Header().Set("Cache-Control", "no-store")
	var st stream
	for {
		d, final, changed := s.snapshot()
		switch {
		case final != nil:
			fmt.Fprint(w, "event: final\ndata: {}\n\n")
			fl.Flush()
			return
		case d != nil && d != st.sent:
			b, err := json.Marshal(st.next(d))
			if err != nil {
				return
			}
			fmt.Fprintf(w, "event: update\ndata: %s\n\n", b)
			fl.Flush()
		}
		select {
		case <-changed:
		case <-r.Context().Done():
			return
		case <-s.done:
			return
		}
	}
}
