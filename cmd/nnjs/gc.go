package main

import (
	"math"
	"runtime"
	"runtime/debug"
	"runtime/metrics"

	"github.com/KimMachineGun/automemlimit/memlimit"
)

// Garbage-collector defaults of nnjs, used unless GOGC / GOMEMLIMIT are set. A load generator
// keeps a small live heap and allocates a few kilobytes per request, so Go's default GOGC=100
// spends about a tenth of the CPU on collection; 400 halves that for a few tens of megabytes
// more. The soft memory limit makes the collector work harder before a run with a large live
// heap (thousands of VUs) could outgrow the memory it has: half of the machine's memory, or,
// under a cgroup memory limit (a container, a Kubernetes pod), 90% of that limit when it is
// lower, so that the collector gives back memory before the kernel's OOM killer strikes.
const (
	gcPercent    = 400
	machineShare = 0.5 // soft limit = machine memory × machineShare
	cgroupShare  = 0.9 // soft limit = cgroup memory limit × cgroupShare, when lower
)

// memorySource tells the memory nnjs may use: the cgroup's limit (v1 or v2) and the
// machine's total memory, each in bytes. A source fails (memlimit.ErrNoLimit or another
// error) when it has no answer.
type memorySource struct {
	cgroup, machine memlimit.Provider
}

// hostMemory reads the running process's cgroup (automemlimit parses /proc/self/mountinfo
// and /proc/self/cgroup and walks the v2 hierarchy or reads v1's memory.limit_in_bytes) and
// the machine's total memory.
var hostMemory = memorySource{cgroup: memlimit.FromCgroup, machine: memlimit.FromSystem}

// softLimit returns the memory limit to set from src, 0 when neither source knows: the
// lower of machine × machineShare and cgroup limit × cgroupShare.
func softLimit(src memorySource) int64 {
	var limit uint64
	if total, err := src.machine(); err == nil && total > 0 {
		limit = uint64(float64(total) * machineShare)
	}
	if cg, err := src.cgroup(); err == nil && cg > 0 {
		if l := uint64(float64(cg) * cgroupShare); limit == 0 || l < limit {
			limit = l
		}
	}
	return int64(min(limit, math.MaxInt64))
}

// percentDefault returns the GC percent to set: gcPercent, or 0 (the runtime's own) when
// GOGC is set.
func percentDefault(lookup func(string) (string, bool)) int {
	if _, ok := lookup("GOGC"); ok {
		return 0
	}
	return gcPercent
}

// gcDefaults returns the GC percent and memory limit to set (0: leave the runtime's own),
// given the environment lookup and where the memory figures come from.
func gcDefaults(lookup func(string) (string, bool), src memorySource) (percent int, limit int64) {
	percent = percentDefault(lookup)
	if _, ok := lookup("GOMEMLIMIT"); !ok && percent != 0 {
		limit = softLimit(src)
	}
	return percent, limit
}

// applyGCDefaults sets nnjs's GC defaults in the runtime and, unless GOGC is set, keeps the
// heap headroom bounded as the live heap grows (capHeadroom). The memory limit is looked up
// (cgroup files, /proc) on its own goroutine, beside the script's compilation: the heap is a
// few megabytes until the load starts, far below any limit it could set.
func applyGCDefaults(lookup func(string) (string, bool)) {
	percent := percentDefault(lookup)
	if percent == 0 {
		return // GOGC is set: no limit either (gcDefaults)
	}
	debug.SetGCPercent(percent)
	capHeadroom(percent)
	go func() {
		if _, limit := gcDefaults(lookup, hostMemory); limit != 0 {
			debug.SetMemoryLimit(limit)
		}
	}()
}

// maxHeadroom bounds the heap growth between two collections (live heap × GOGC / 100). With
// a few VUs the live heap is tens of megabytes and GOGC=400 applies; with thousands of VUs the
// live heap is hundreds of megabytes, mostly long-lived VU state, and GOGC=400 would let the
// peak RSS reach 2-5× the live heap. A fixed headroom keeps it near the live heap at the cost
// of more collections: 5,000 sleeping VUs (bench/manyvus.sh) peak at 66-72 KiB instead of
// ~215 KiB per VU for about 0.25 of a core more GC work. A 64 MiB cap (71-74 KiB) did not
// raise the iteration rate measurably (bench/README.md). GOGC in the environment turns this
// off.
const (
	maxHeadroom = 48 << 20
	minPercent  = 10
)

// percentFor returns the GC percent to use for a live heap of live bytes: percent when that
// keeps the headroom under maxHeadroom, else the percent giving maxHeadroom, at least
// minPercent.
func percentFor(live uint64, percent int) int {
	if live == 0 || live*uint64(percent)/100 <= maxHeadroom {
		return percent
	}
	return max(int(maxHeadroom*100/live), minPercent)
}

// capHeadroom re-tunes the GC percent after every collection (a finalizer runs once per
// cycle and re-arms itself) with percentFor of the live heap the collection left.
func capHeadroom(percent int) {
	current := percent
	sample := []metrics.Sample{{Name: "/gc/heap/live:bytes"}}
	var arm func()
	arm = func() {
		sentinel := new([16]byte) // not tiny-allocated: its finalizer runs after the next GC
		runtime.SetFinalizer(sentinel, func(*[16]byte) {
			metrics.Read(sample)
			if sample[0].Value.Kind() == metrics.KindUint64 {
				if p := percentFor(sample[0].Value.Uint64(), percent); p != current {
					debug.SetGCPercent(p)
					current = p
				}
			}
			arm()
		})
	}
	arm()
}
