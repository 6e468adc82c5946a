package stream

import (
	"bufio"
	"compress/gzip"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/nnprotect/nnjs/engine/metrics"
)

// Format is a file format of the stream.
type Format string

// The formats, named as the --out types that write them.
const (
	JSON Format = "json"
	CSV  Format = "csv"
)

// DefaultQueueLimit bounds the samples waiting for the writer (2,097,152 samples: 64 MiB).
const DefaultQueueLimit = 1 << 21

// bufferSize is the write buffer of each file.
const bufferSize = 256 << 10

// File is one file the stream writes.
type File struct {
	Format Format
	Path   string // gzip-compressed when it ends in ".gz"
}

// Config is what the files describe besides the samples. The zero value is valid.
type Config struct {
	// Thresholds lists, per metric name, the threshold expressions on the metric itself
	// (k6's Metric objects carry them).
	Thresholds map[string][]string
	// Submetrics lists, per metric name, the sub-metrics thresholds use.
	Submetrics map[string][]Submetric
	// QueueLimit bounds the samples waiting for the writer (default DefaultQueueLimit).
	QueueLimit int
}

// Submetric is a metric restricted to samples with some tags, as k6's JSON output describes
// it: name "http_req_duration{status:200}", suffix "status:200".
type Submetric struct {
	Name   string            `json:"name"`
	Suffix string            `json:"suffix"`
	Tags   map[string]string `json:"tags"`
}

// Stats counts what the stream wrote and what it dropped.
type Stats struct {
	// Written counts the samples written to every file.
	Written uint64
	// Dropped counts the samples recorded but missing from the files: beyond the collector's
	// per-interval stream limit, queued while the writer was behind, or after a write error.
	Dropped uint64
}

// encoder turns samples into one file's bytes.
type encoder interface {
	header(w *bufio.Writer) error
	sample(w *bufio.Writer, s *metrics.Sample) error
	flush() error // writes what the encoder buffers itself into w
}

// file is one open output file with its encoder.
type file struct {
	path string
	enc  encoder
	buf  *bufio.Writer
	gz   *gzip.Writer // nil unless compressed
	f    *os.File
}

// Output writes the samples of a run to its files from one goroutine. Samples never blocks;
// Close waits for the writer. All methods are safe for concurrent use.
type Output struct {
	files   []*file
	limit   int64
	queue   chan *metrics.SampleBatch
	queued  atomic.Int64 // samples in queue
	written atomic.Uint64
	dropped atomic.Uint64
	done    chan struct{}
	err     error // the first write error; read after done

	mu     sync.Mutex // guards closed against Samples
	closed bool
	once   sync.Once
}

// Open creates the files (truncating existing ones) and starts the writer.
func Open(files []File, cfg Config) (*Output, error) {
	o := &Output{limit: int64(cfg.QueueLimit), done: make(chan struct{})}
	if o.limit <= 0 {
		o.limit = DefaultQueueLimit
	}
	// Batches are per shard and interval, so a few thousand slots never bind before limit.
	o.queue = make(chan *metrics.SampleBatch, 4096)
	for _, spec := range files {
		f, err := openFile(spec, cfg)
		if err != nil {
			o.closeFiles()
			return nil, err
		}
		o.files = append(o.files, f)
	}
	go o.write()
	return o, nil
}

func openFile(spec File, cfg Config) (*file, error) {
	var enc encoder
	switch spec.Format {
	case JSON:
		enc = newJSONEncoder(cfg)
	case CSV:
		enc = newCSVEncoder()
	default:
		return nil, fmt.Errorf("stream: unknown format %q", spec.Format)
	}
	osf, err := os.Create(spec.Path)
	if err != nil {
		return nil, fmt.Errorf("--out %s=%s: %w", spec.Format, spec.Path, err)
	}
	f := &file{path: spec.Path, enc: enc, f: osf}
	var w io.Writer = osf
	if strings.HasSuffix(spec.Path, ".gz") {
		f.gz, _ = gzip.NewWriterLevel(osf, gzip.BestSpeed) // the level is valid
		w = f.gz
	}
	f.buf = bufio.NewWriterSize(w, bufferSize)
	if err := enc.header(f.buf); err != nil {
		_ = osf.Close()
		return nil, fmt.Errorf("--out %s=%s: %w", spec.Format, spec.Path, err)
	}
	return f, nil
}

// Samples queues a batch for the writer, or drops it (counted) when the queue is full or the
// output is closed. It never blocks.
func (o *Output) Samples(b *metrics.SampleBatch) {
	o.dropped.Add(b.Dropped)
	n := int64(len(b.Samples))
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.closed || o.queued.Load()+n > o.limit {
		o.dropped.Add(uint64(n))
		b.Release()
		return
	}
	select {
	case o.queue <- b:
		o.queued.Add(n)
	default:
		o.dropped.Add(uint64(n))
		b.Release()
	}
}

// write is the writer goroutine: it encodes each batch into every file until the queue is
// closed. After a write error it only counts what it cannot write.
func (o *Output) write() {
	defer close(o.done)
	for b := range o.queue {
		o.queued.Add(-int64(len(b.Samples)))
		if o.err == nil {
			o.err = o.encode(b)
		}
		if o.err != nil {
			o.dropped.Add(uint64(len(b.Samples)))
		} else {
			o.written.Add(uint64(len(b.Samples)))
		}
		b.Release()
	}
}

func (o *Output) encode(b *metrics.SampleBatch) error {
	for _, f := range o.files {
		for i := range b.Samples {
			if err := f.enc.sample(f.buf, &b.Samples[i]); err != nil {
				return fmt.Errorf("%s: %w", f.path, err)
			}
		}
	}
	return nil
}

// Close stops accepting samples, writes what is queued, flushes and closes the files. It
// returns the first error (a write error names its file). Close is idempotent.
func (o *Output) Close() error {
	o.once.Do(func() {
		o.mu.Lock()
		o.closed = true
		close(o.queue)
		o.mu.Unlock()
		<-o.done
		if err := o.closeFiles(); o.err == nil {
			o.err = err
		}
	})
	return o.err
}

func (o *Output) closeFiles() error {
	var errs []error
	for _, f := range o.files {
		err := errors.Join(f.enc.flush(), f.buf.Flush())
		if f.gz != nil {
			err = errors.Join(err, f.gz.Close())
		}
		if err = errors.Join(err, f.f.Close()); err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", f.path, err))
		}
	}
	return errors.Join(errs...)
}

// Stats returns what was written and dropped so far (final after Close).
func (o *Output) Stats() Stats {
	return Stats{Written: o.written.Load(), Dropped: o.dropped.Load()}
}
