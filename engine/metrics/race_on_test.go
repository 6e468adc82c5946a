//go:build race

package metrics_test

// raceEnabled is true when the race detector is on; heavy tests record fewer samples then.
const raceEnabled = true
