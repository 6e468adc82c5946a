// Package options holds the k6-compatible `options` object: decoding it from the JSON a script
// exports, k6 durations, thresholds in short and long form, and layering CLI flags on top.
//
//	o, err := options.Parse(scriptOptionsJSON)
//	o = o.Apply(cliOptions) // flags win, as in k6
//
// Turning the shortcut options (vus, duration, iterations, stages) into scenarios is done by
// engine/executor.
package options
