// Package junit writes JUnit XML test reports in the common schema that CI servers read
// (Jenkins, GitLab, GitHub test reporters): testsuites > testsuite > testcase with
// failure, error or skipped, properties and system-out.
//
// The caller describes suites and cases; Write computes every count (tests, failures, errors,
// skipped) and time attribute from them, so the attributes always agree with the elements.
//
//	err := junit.Write(w, junit.Report{Name: "nnjs", Suites: []junit.Suite{{
//		Name: "checkout.js", Time: 12 * time.Second,
//		Cases: []junit.Case{
//			{Name: "threshold http_req_duration: p(95)<500"},
//			{Name: "run", Error: &junit.Problem{Message: "exit code 107", Text: "SyntaxError ..."}},
//		},
//	}}})
package junit
