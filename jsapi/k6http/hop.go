package k6http

import (
	"crypto/tls"
	"net/http"
)

// hop is one round trip of a request that took several: a redirect answered before the
// final response, or digest auth's 401 challenge. As k6 does, each hop gets its own sample
// set, tagged with its own url, method, status and proto.
type hop struct {
	url, method, proto string
	status             int
	tls                *tls.ConnectionState
	timings            Timings
	challenge          bool // digest auth's first leg: a 401 is the expected answer
}

// RoundTrip sends one hop of the request (http.Client calls it once per redirect). It makes
// prepared the client's transport, so the hops of a request are seen without an allocation.
func (p *prepared) RoundTrip(req *http.Request) (*http.Response, error) {
	p.closeHop()
	if p.digest != nil {
		return p.digestRoundTrip(req)
	}
	return p.send(req)
}

// send makes one round trip on the shared transport and notes it as the open hop.
func (p *prepared) send(req *http.Request) (*http.Response, error) {
	resp, err := p.transport.RoundTrip(req)
	if err == nil {
		p.open, p.openResp = req, resp
	}
	return resp, err
}

// closeHop ends the open hop, whose response the client has read and closed, and keeps its
// timings; the tracer starts the next hop's phases on its next connection.
func (p *prepared) closeHop() {
	if p.open == nil {
		return
	}
	url := p.tagURL
	if p.open.URL != p.req.URL { // a redirect target
		url = cleanURL(p.open)
	}
	p.res.hops = append(p.res.hops, hop{url: url, method: p.open.Method,
		proto: p.openResp.Proto, status: p.openResp.StatusCode, tls: p.openResp.TLS,
		timings: p.tr.finish(), challenge: p.challenged})
	p.open, p.openResp, p.challenged = nil, nil, false
}

// finalHop forgets the open hop: it is the request's final response, recorded from result.
func (p *prepared) finalHop() {
	p.open, p.openResp = nil, nil
}

// cleanURL is the URL of a hop for the url tag, without a password.
func cleanURL(req *http.Request) string {
	if req.URL.User != nil {
		return redactURL(req.URL)
	}
	return req.URL.String()
}
