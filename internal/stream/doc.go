// Package stream writes every raw sample of a run to files in k6's formats, as
// `nnjs run --out json=FILE` and `--out csv=FILE` do: JSON lines of "Metric" and "Point"
// objects, or CSV rows with k6's columns; gzip-compressed when the file name ends in ".gz".
//
// An Output is the metrics.Stream of the run's collector. The collector hands it each
// interval's samples; Samples only queues them (it never waits), and one writer goroutine
// encodes them into buffered files. The queue is bounded: when the writer falls behind, whole
// batches are dropped and counted (Stats), as are the samples the collector itself dropped
// beyond its stream limit. Close drains the queue, flushes and closes the files.
//
//	out, err := stream.Open([]stream.File{{Format: stream.JSON, Path: "run.json.gz"}}, stream.Config{})
//	col := metrics.NewCollector(reg, metrics.CollectorConfig{Stream: out})
//	... // the run
//	err = out.Close()
//	if st := out.Stats(); st.Dropped > 0 { ... }
package stream
