package wsconn

import (
	"fmt"
	"time"

	"github.com/nnprotect/nnjs/engine/metrics"
)

// Metrics are k6's WebSocket metrics, looked up in a run's registry.
type Metrics struct {
	sessions, connecting, duration, sent, received, ping, dataSent, dataRecv *metrics.Metric
}

// LookupMetrics finds the metrics in reg (they are built-ins).
func LookupMetrics(reg *metrics.Registry) (Metrics, error) {
	var m Metrics
	for _, x := range []struct {
		dst  **metrics.Metric
		name string
	}{
		{&m.sessions, metrics.WSSessions}, {&m.connecting, metrics.WSConnecting},
		{&m.duration, metrics.WSSessionDuration}, {&m.sent, metrics.WSMessagesSent},
		{&m.received, metrics.WSMessagesRecv}, {&m.ping, metrics.WSPing},
		{&m.dataSent, metrics.DataSent}, {&m.dataRecv, metrics.DataReceived},
	} {
		if *x.dst = reg.Get(x.name); *x.dst == nil {
			return m, fmt.Errorf("wsconn: metric %s is not registered", x.name)
		}
	}
	return m, nil
}

// Session records the metrics of one connection with its tags.
type Session struct {
	M     Metrics
	Rec   metrics.Recorder
	Tags  *metrics.Tags // the socket's: url, status, subproto and the VU's
	Base  *metrics.Tags // the VU's, for data_sent and data_received
	Start time.Time
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

// Connected records ws_sessions and ws_connecting (the handshake took d).
func (s *Session) Connected(d time.Duration) {
	s.Rec.Add(s.M.sessions, s.Tags, 1)
	s.Rec.Add(s.M.connecting, s.Tags, ms(d))
}

// Sent counts a message sent; Received one received.
func (s *Session) Sent()     { s.Rec.Add(s.M.sent, s.Tags, 1) }
func (s *Session) Received() { s.Rec.Add(s.M.received, s.Tags, 1) }

// Pinged records a ping's round trip (nothing for a negative one: an unsolicited pong).
func (s *Session) Pinged(rtt time.Duration) {
	if rtt >= 0 {
		s.Rec.Add(s.M.ping, s.Tags, ms(rtt))
	}
}

// Ended records ws_session_duration and the bytes of c (nil when the dial failed).
func (s *Session) Ended(c *Conn) {
	s.Rec.Add(s.M.duration, s.Tags, ms(time.Since(s.Start)))
	if c != nil {
		sent, recv := c.Bytes()
		s.Rec.Add(s.M.dataSent, s.Base, float64(sent))
		s.Rec.Add(s.M.dataRecv, s.Base, float64(recv))
	}
}
