package dashboard

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"sync"
	"time"

	"github.com/nnprotect/nnjs/internal/report"
)

// Server is a live dashboard. Publish, Finish and Close are safe for concurrent use with the
// HTTP handlers and with each other.
type Server struct {
	ln  net.Listener
	srv *http.Server

	mu      sync.Mutex
	data    *report.Data  // latest data, timeline included
	final   []byte        // the final page, once Finish was called
	changed chan struct{} // closed and replaced on every change
	done    chan struct{} // closed by Close: streams end
	closed  bool
}

// Listen binds addr (host:port; port 0 picks a free one). Binding only loopback addresses is
// the caller's default; another address is the user's explicit choice.
func Listen(addr string) (*Server, error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("dashboard: listen on %s: %w", addr, err)
	}
	s := &Server{ln: ln, changed: make(chan struct{}), done: make(chan struct{})}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /{$}", s.page)
	mux.HandleFunc("GET /events", s.events)
	mux.HandleFunc("GET /data.json", s.dataJSON)
	s.srv = &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	return s, nil
}

// URL is the dashboard's address, e.g. http://127.0.0.1:5665/.
func (s *Server) URL() string { return "http://" + s.ln.Addr().String() + "/" }

// Serve serves until Close; it returns nil after Close.
func (s *Server) Serve() error {
	if err := s.srv.Serve(s.ln); !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("dashboard: %w", err)
	}
	return nil
}

// Publish replaces the live data (d.Live should be set) and wakes the viewers' streams.
func (s *Server) Publish(d *report.Data) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.final != nil {
		return
	}
	s.data = d
	s.wake()
}

// Finish sets the final report: the page becomes it, and viewers are told to reload.
func (s *Server) Finish(d *report.Data) error {
	var b bytes.Buffer
	if err := report.WriteHTML(&b, d); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.data, s.final = d, b.Bytes()
	s.wake()
	return nil
}

// wake tells every stream that something changed; s.mu must be held.
func (s *Server) wake() {
	close(s.changed)
	s.changed = make(chan struct{})
}

// Close ends the streams and stops the server, waiting for handlers until ctx is done.
func (s *Server) Close(ctx context.Context) error {
	s.mu.Lock()
	if !s.closed {
		s.closed = true
		close(s.done)
	}
	s.mu.Unlock()
	if err := s.srv.Shutdown(ctx); err != nil {
		return fmt.Errorf("dashboard: close: %w", err)
	}
	return nil
}

// snapshot returns the latest data, the final page (nil while live) and the channel closed
// on the next change.
func (s *Server) snapshot() (*report.Data, []byte, <-chan struct{}) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.data, s.final, s.changed
}

func (s *Server) page(w http.ResponseWriter, _ *http.Request) {
	d, final, _ := s.snapshot()
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	if final != nil {
		_, _ = w.Write(final)
		return
	}
	if d == nil {
		d = report.Build(report.Input{Title: "nnjs: starting", Live: true})
	}
	if err := report.WriteHTML(w, d); err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
	}
}

func (s *Server) dataJSON(w http.ResponseWriter, _ *http.Request) {
	d, _, _ := s.snapshot()
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	if d == nil {
		d = report.Build(report.Input{Live: true})
	}
	_ = json.NewEncoder(w).Encode(d)
}
