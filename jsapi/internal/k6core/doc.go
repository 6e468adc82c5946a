// Package k6core is the `k6` (alias `nnjs`) JavaScript module: check, group, sleep, fail and
// randomSeed.
//
//	reg.Register(k6core.New(), "k6", "nnjs")
//
// check emits the `checks` Rate once per condition, tagged with `check` and the current
// `group`; group sets the group tag to "::outer::inner" while its function runs and emits
// `group_duration`. randomSeed(n) makes the VU's Math.random() the sequence k6 gives for n.
package k6core
