package main

// Exit codes, k6-compatible where k6 has one. This file is the only place they are defined.
const (
	exitOK               = 0
	exitThresholds       = 99  // one or more thresholds crossed
	exitSetupTimeout     = 100 // setup() exceeded setupTimeout
	exitTeardownTimeout  = 101 // teardown() exceeded teardownTimeout
	exitInvalidConfig    = 104 // bad flags, options, input files or output paths
	exitSignal           = 105 // stopped by SIGINT/SIGTERM
	exitScriptException  = 107 // syntax error or exception in init, setup or teardown
	exitAborted          = 108 // test.abort()
	exitIntegrity        = 110 // a critical integrity check failed (nnjs only)
	exitMarkedFailed     = 110 // exec.test.fail() marked the run failed (k6's MarkedAsFailed); shares 110 with integrity
	exitDatabase         = 111 // database unreachable or refused (guard, schema) (nnjs only)
	exitValidationFailed = 112 // `nnjs validate` found a failing check (nnjs only)
)

// exitPrecedence orders what can go wrong in one `nnjs run`, most important first: when
// several parts of a run fail, the exit code is the first one's and the verdict names the
// others. Errors before the load (104, 107, 111) end the run at once and never compete.
//
//  1. 111: a database the run needs could not be used (integrity checks after the load)
//  2. 110: a critical integrity check failed, or the script called exec.test.fail()
//  3. the run's own stop: 107 (script exception in setup or teardown), 100/101 (setup or
//     teardown timeout), 108 (test.abort()), 105 (a signal); one at most
//  4. 99: thresholds crossed (also when one with abortOnFail stopped the run)
//  5. 104: a result could not be written after the run (handleSummary files)
var exitPrecedence = []int{
	exitDatabase, exitIntegrity,
	exitScriptException, exitSetupTimeout, exitTeardownTimeout, exitAborted, exitSignal,
	exitThresholds, exitInvalidConfig,
}

// exitRank returns code's place in exitPrecedence (lower is more important; 0 ranks last).
func exitRank(code int) int {
	for i, c := range exitPrecedence {
		if c == code {
			return i
		}
	}
	return len(exitPrecedence)
}
