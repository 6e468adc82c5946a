// Package k6timers is setTimeout, clearTimeout, setInterval and clearInterval, on the VU's
// event loop (see eventloop): as globals (Install, done for every VU) and as the k6/timers
// module. The semantics are k6's (the HTML timers): a callback runs as its own task after
// the current task and its promise jobs; timers due at the same time run in the order they
// were set; a negative or invalid delay is 0; an interval is measured from the end of its
// previous callback and may clear itself from it; ids are numbers, unique within the VU.
//
//	reg.Register(k6timers.New(), "k6/timers")
//	err := k6timers.Install(vu) // the globals
package k6timers
