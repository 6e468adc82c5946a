package junit

import (
	"encoding/xml"
	"fmt"
	"io"
	"strconv"
	"time"
)

// Report is a whole JUnit document: one testsuites element.
type Report struct {
	Name   string
	Suites []Suite
}

// Suite is one testsuite. Time is its wall time; Timestamp its start (written in UTC).
type Suite struct {
	Name       string
	Timestamp  time.Time
	Time       time.Duration
	Properties []Property
	Cases      []Case
	SystemOut  string
}

// Property is one name/value pair of a suite's properties.
type Property struct {
	Name, Value string
}

// Case is one testcase. It passes unless it has a Failure (a judged check was not met), an
// Error (it could not be judged: the run broke) or Skipped (not run or not judged, with why).
type Case struct {
	Name      string
	Classname string
	Time      time.Duration
	Failure   *Problem
	Error     *Problem
	Skipped   string
	SystemOut string
}

// Problem is a failure or an error: a one-line message, a type and the full text.
type Problem struct {
	Message, Type, Text string
}

// Counts are a suite's or the document's totals.
type Counts struct {
	Tests, Failures, Errors, Skipped int
}

// Counts returns the suite's totals.
func (s Suite) Counts() Counts {
	var c Counts
	for _, tc := range s.Cases {
		c.Tests++
		switch {
		case tc.Error != nil:
			c.Errors++
		case tc.Failure != nil:
			c.Failures++
		case tc.Skipped != "":
			c.Skipped++
		}
	}
	return c
}

// Write writes r as indented XML with its declaration.
func Write(w io.Writer, r Report) error {
	doc := xmlSuites{Name: r.Name}
	var total time.Duration
	for _, s := range r.Suites {
		xs := newXMLSuite(s)
		doc.Tests += xs.Tests
		doc.Failures += xs.Failures
		doc.Errors += xs.Errors
		doc.Skipped += xs.Skipped
		total += s.Time
		doc.Suites = append(doc.Suites, xs)
	}
	doc.Time = seconds(total)
	if _, err := io.WriteString(w, xml.Header); err != nil {
		return fmt.Errorf("junit: %w", err)
	}
	enc := xml.NewEncoder(w)
	enc.Indent("", "  ")
	if err := enc.Encode(doc); err != nil {
		return fmt.Errorf("junit: %w", err)
	}
	if _, err := io.WriteString(w, "\n"); err != nil {
		return fmt.Errorf("junit: %w", err)
	}
	return nil
}

func newXMLSuite(s Suite) xmlSuite {
	c := s.Counts()
	xs := xmlSuite{Name: s.Name, Tests: c.Tests, Failures: c.Failures, Errors: c.Errors, Skipped: c.Skipped,
		Time: seconds(s.Time), SystemOut: s.SystemOut}
	if !s.Timestamp.IsZero() {
		// The Ant schema's timestamp has no zone; it is UTC.
		xs.Timestamp = s.Timestamp.UTC().Format("2006-01-02T15:04:05")
	}
	if len(s.Properties) > 0 {
		xs.Properties = &xmlProperties{}
		for _, p := range s.Properties {
			xs.Properties.Property = append(xs.Properties.Property, xmlProperty(p))
		}
	}
	for _, tc := range s.Cases {
		xc := xmlCase{Name: tc.Name, Classname: tc.Classname, Time: seconds(tc.Time), SystemOut: tc.SystemOut}
		switch {
		case tc.Error != nil:
			xc.Error = newXMLProblem(tc.Error)
		case tc.Failure != nil:
			xc.Failure = newXMLProblem(tc.Failure)
		case tc.Skipped != "":
			xc.Skipped = &xmlSkipped{Message: tc.Skipped}
		}
		xs.Cases = append(xs.Cases, xc)
	}
	return xs
}

func newXMLProblem(p *Problem) *xmlProblem {
	return &xmlProblem{Message: p.Message, Type: p.Type, Text: p.Text}
}

// seconds formats d as JUnit's time attribute: seconds with millisecond precision.
func seconds(d time.Duration) string {
	return strconv.FormatFloat(d.Seconds(), 'f', 3, 64)
}

// The document as encoding/xml writes it; the element order inside testsuite and testcase
// is the schema's.
type xmlSuites struct {
	XMLName  xml.Name   `xml:"testsuites"`
	Name     string     `xml:"name,attr,omitempty"`
	Tests    int        `xml:"tests,attr"`
	Failures int        `xml:"failures,attr"`
	Errors   int        `xml:"errors,attr"`
	Skipped  int        `xml:"skipped,attr"`
	Time     string     `xml:"time,attr"`
	Suites   []xmlSuite `xml:"testsuite"`
}

type xmlSuite struct {
	Name       string         `xml:"name,attr"`
	Tests      int            `xml:"tests,attr"`
	Failures   int            `xml:"failures,attr"`
	Errors     int            `xml:"errors,attr"`
	Skipped    int            `xml:"skipped,attr"`
	Time       string         `xml:"time,attr"`
	Timestamp  string         `xml:"timestamp,attr,omitempty"`
	Properties *xmlProperties `xml:"properties"`
	Cases      []xmlCase      `xml:"testcase"`
	SystemOut  string         `xml:"system-out,omitempty"`
}

type xmlProperties struct {
	Property []xmlProperty `xml:"property"`
}

type xmlProperty struct {
	Name  string `xml:"name,attr"`
	Value string `xml:"value,attr"`
}

type xmlCase struct {
	Name      string      `xml:"name,attr"`
	Classname string      `xml:"classname,attr"`
	Time      string      `xml:"time,attr"`
	Failure   *xmlProblem `xml:"failure"`
	Error     *xmlProblem `xml:"error"`
	Skipped   *xmlSkipped `xml:"skipped"`
	SystemOut string      `xml:"system-out,omitempty"`
}

type xmlProblem struct {
	Message string `xml:"message,attr"`
	Type    string `xml:"type,attr,omitempty"`
	Text    string `xml:",chardata"`
}

type xmlSkipped struct {
	Message string `xml:"message,attr"`
}
