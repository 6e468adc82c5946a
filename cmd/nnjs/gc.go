package main

import (
	"bufio"
	"os"
	"runtime/debug"
	"strconv"
	"strings"
)

// Garbage-collector defaults of nnjs, used unless GOGC / GOMEMLIMIT are set. A load generator
// keeps a small live heap and allocates a few kilobytes per request, so Go's default GOGC=100
// spends about a tenth of the CPU on collection; 400 halves that for a few tens of megabytes
// more. The soft memory limit (half of the machine's memory) makes the collector work harder
// before a run with a large live heap (thousands of VUs) could outgrow the machine.
const (
	gcPercent     = 400
	memLimitShare = 2 // limit = total memory / memLimitShare
)

// gcDefaults returns the GC percent and memory limit to set (0: leave the runtime's own),
// given the environment lookup and the machine's total memory in bytes (0 when unknown).
func gcDefaults(lookup func(string) (string, bool), memTotal uint64) (percent int, limit int64) {
	if _, ok := lookup("GOGC"); !ok {
		percent = gcPercent
	}
	if _, ok := lookup("GOMEMLIMIT"); !ok && percent != 0 && memTotal > 0 {
		limit = int64(memTotal / memLimitShare)
	}
	return percent, limit
}

// applyGCDefaults sets nnjs's GC defaults in the runtime.
func applyGCDefaults(lookup func(string) (string, bool)) {
	percent, limit := gcDefaults(lookup, memTotal("/proc/meminfo"))
	if percent != 0 {
		debug.SetGCPercent(percent)
	}
	if limit != 0 {
		debug.SetMemoryLimit(limit)
	}
}

// memTotal reads MemTotal from a /proc/meminfo file, in bytes; 0 when it cannot.
func memTotal(path string) uint64 {
	f, err := os.Open(path)
	if err != nil {
		return 0
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		rest, ok := strings.CutPrefix(sc.Text(), "MemTotal:")
		if !ok {
			continue
		}
		kb, err := strconv.ParseUint(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 10, 64)
		if err != nil {
			return 0
		}
		return kb << 10
	}
	return 0
}
