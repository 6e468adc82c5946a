package archive

import (
	"archive/tar"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path"
	"path/filepath"
	"strings"
)

// manifestName is the archive member that describes the others.
const manifestName = "nnjs-archive.json"

// formatVersion is the version of the archive layout Write produces and Extract reads.
const formatVersion = 1

// maxMember bounds the size of one member read by Extract.
const maxMember = 256 << 20

// Manifest describes an archive.
type Manifest struct {
	Version int `json:"version"`
	// Script is the entry script's absolute path when it was archived (slash-separated).
	Script string `json:"script"`
	// Options are the script's resolved options (JSON).
	Options json.RawMessage `json:"options"`
	// Files are the absolute paths of the local files (script, modules, open()ed files).
	Files []string `json:"files"`
	// Remote are the remote modules.
	Remote []Remote `json:"remote"`
}

// Remote is one remote module of an archive, stored under Name.
type Remote struct {
	URL    string `json:"url"`
	SHA256 string `json:"sha256"`
	Name   string `json:"name"`
}

// File is the content of one file to archive, by absolute path or URL.
type File struct {
	Path    string
	Content []byte
}

// Write writes the archive of m's script: files are the local files by absolute path, remote
// the remote modules by URL. m.Files and m.Remote are filled from them.
func Write(w io.Writer, m Manifest, files, remote []File) error {
	m.Version = formatVersion
	m.Script = filepath.ToSlash(m.Script)
	m.Files, m.Remote = nil, nil
	tw := tar.NewWriter(w)
	members := map[string][]byte{}
	for _, f := range files {
		p := filepath.ToSlash(f.Path)
		m.Files = append(m.Files, p)
		members[fileMember(p)] = f.Content
	}
	for _, r := range remote {
		sum := sha256.Sum256(r.Content)
		name := "remote/" + hex.EncodeToString(sum[:])
		m.Remote = append(m.Remote, Remote{URL: r.Path, SHA256: hex.EncodeToString(sum[:]), Name: name})
		members[name] = r.Content
	}
	meta, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return fmt.Errorf("archive: %w", err)
	}
	if err := writeMember(tw, manifestName, meta); err != nil {
		return err
	}
	for _, f := range m.Files {
		if err := writeMember(tw, fileMember(f), members[fileMember(f)]); err != nil {
			return err
		}
	}
	for _, r := range m.Remote {
		if err := writeMember(tw, r.Name, members[r.Name]); err != nil {
			return err
		}
	}
	if err := tw.Close(); err != nil {
		return fmt.Errorf("archive: %w", err)
	}
	return nil
}

// fileMember is the member name of the local file at the absolute slash path p.
func fileMember(p string) string { return "files/" + strings.TrimPrefix(path.Clean("/"+p), "/") }

func writeMember(tw *tar.Writer, name string, b []byte) error {
	if err := tw.WriteHeader(&tar.Header{Name: name, Mode: 0o644, Size: int64(len(b)), Typeflag: tar.TypeReg}); err != nil {
		return fmt.Errorf("archive: %s: %w", name, err)
	}
	if _, err := tw.Write(b); err != nil {
		return fmt.Errorf("archive: %s: %w", name, err)
	}
	return nil
}

// Extracted is an archive unpacked into a directory.
type Extracted struct {
	Manifest
	dir     string
	members map[string][]byte
}

// ErrNotArchive is wrapped by Extract's error for a tar file without an nnjs manifest.
var ErrNotArchive = errors.New("not an nnjs archive (no " + manifestName + ")")

// Extract unpacks the archive at file into dir: each local file under dir at its original
// absolute path (so relative imports and open() paths resolve as they did).
func Extract(file, dir string) (*Extracted, error) {
	f, err := os.Open(file)
	if err != nil {
		return nil, fmt.Errorf("archive: %w", err)
	}
	defer f.Close()
	x := &Extracted{dir: dir, members: map[string][]byte{}}
	tr := tar.NewReader(f)
	for {
		h, err := tr.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("archive %s: %w", file, err)
		}
		if h.Typeflag != tar.TypeReg || !filepath.IsLocal(h.Name) {
			return nil, fmt.Errorf("archive %s: member %q is not a plain file inside the archive", file, h.Name)
		}
		b, err := io.ReadAll(io.LimitReader(tr, maxMember+1))
		if err != nil {
			return nil, fmt.Errorf("archive %s: %s: %w", file, h.Name, err)
		}
		if len(b) > maxMember {
			return nil, fmt.Errorf("archive %s: %s: larger than %d MiB", file, h.Name, maxMember>>20)
		}
		x.members[h.Name] = b
	}
	meta, ok := x.members[manifestName]
	if !ok {
		return nil, fmt.Errorf("archive %s: %w", file, ErrNotArchive)
	}
	if err := json.Unmarshal(meta, &x.Manifest); err != nil {
		return nil, fmt.Errorf("archive %s: %s: %w", file, manifestName, err)
	}
	if x.Version != formatVersion {
		return nil, fmt.Errorf("archive %s: format version %d (this nnjs reads %d)", file, x.Version, formatVersion)
	}
	for _, p := range x.Files {
		b, ok := x.members[fileMember(p)]
		if !ok {
			return nil, fmt.Errorf("archive %s: %s is listed but missing", file, p)
		}
		dst := x.Path(p)
		if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
			return nil, fmt.Errorf("archive: %w", err)
		}
		if err := os.WriteFile(dst, b, 0o644); err != nil {
			return nil, fmt.Errorf("archive: %w", err)
		}
	}
	for _, r := range x.Remote {
		b, ok := x.members[r.Name]
		if !ok {
			return nil, fmt.Errorf("archive %s: remote module %s is listed but missing", file, r.URL)
		}
		sum := sha256.Sum256(b)
		if hex.EncodeToString(sum[:]) != r.SHA256 {
			return nil, fmt.Errorf("archive %s: remote module %s does not have its recorded SHA-256", file, r.URL)
		}
	}
	return x, nil
}

// Path is where the file archived at the absolute slash path p was extracted.
func (x *Extracted) Path(p string) string {
	return filepath.Join(x.dir, filepath.FromSlash(strings.TrimPrefix(fileMember(p), "files/")))
}

// RemoteContent returns the content of the remote module r.
func (x *Extracted) RemoteContent(r Remote) []byte { return x.members[r.Name] }
