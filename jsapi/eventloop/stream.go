package eventloop

import "sync"

// Stream is a reservation that hands back any number of tasks (a socket's events): the run
// does not end while it is open. Push and Close may be called from any goroutine.
type Stream struct {
	l      *Loop
	mu     sync.Mutex
	closed bool
}

// Stream opens a stream; it must be called during Run, on the VU's goroutine, and closed
// exactly once when no more tasks will come (including after the run's context ended: the
// work must watch Context).
func (l *Loop) Stream() *Stream {
	l.Reserve() // counts as one reservation, released by Close
	return &Stream{l: l}
}

// Push queues task to run on the VU's goroutine; it reports false (and drops task) once the
// stream is closed.
func (s *Stream) Push(task func() error) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return false
	}
	s.l.mu.Lock()
	s.l.queue = append(s.l.queue, task)
	s.l.mu.Unlock()
	s.l.signal()
	return true
}

// Close ends the stream; later calls do nothing.
func (s *Stream) Close() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return
	}
	s.closed = true
	s.l.mu.Lock()
	s.l.reserved--
	s.l.mu.Unlock()
	s.l.signal()
}
