package main

// Exit codes, k6-compatible where k6 has one. This file is the only place they are defined.
const (
	exitOK               = 0
	exitThresholds       = 99  // one or more thresholds crossed
	exitSetupTimeout     = 100 // setup() exceeded setupTimeout
	exitTeardownTimeout  = 101 // teardown() exceeded teardownTimeout
	exitInvalidConfig    = 104 // bad flags, options or input files
	exitSignal           = 105 // stopped by SIGINT/SIGTERM
	exitScriptException  = 107 // syntax error or exception in init/setup
	exitAborted          = 108 // test.abort() or a threshold with abortOnFail
	exitIntegrity        = 110 // a critical integrity check failed (nnjs only)
	exitDatabase         = 111 // database unreachable or refused (guard, schema) (nnjs only)
	exitValidationFailed = 112 // `nnjs validate` found a failing check (nnjs only)
)
