package main

import (
	"runtime"
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestTuneProcsUnlessGOMAXPROCSIsSet(t *testing.T) {
	t.Parallel()
	set := func(string) (string, bool) { return "2", true }
	unset := func(string) (string, bool) { return "", false }
	assert.False(t, tuneProcs(set), "GOMAXPROCS in the environment turns the tuner off")
	assert.Equal(t, runtime.GOMAXPROCS(0) > 1, tuneProcs(unset), "on when there is more than one P")
}
