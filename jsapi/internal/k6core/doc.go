// Package k6core is the `k6` (alias `nnjs`) JavaScript module: check, group, sleep and fail.
//
//	reg.Register(k6core.New(), "k6", "nnjs")
//
// check emits the `checks` Rate once per condition, tagged with `check` and the current
// `group`; group sets the group tag to "::outer::inner" while its function runs and emits
// `group_duration`.
package k6core
