package archive

import (
	"archive/tar"
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestWriteThenExtract(t *testing.T) {
	t.Parallel()
	file := filepath.Join(t.TempDir(), "a.tar")
	var buf bytes.Buffer
	require.NoError(t, Write(&buf, Manifest{Script: "/src/main.js", Options: json.RawMessage(`{"vus":2}`)},
		[]File{{"/src/main.js", []byte("main")}, {"/src/lib/a.js", []byte("a")}, {"/data/u.csv", []byte("u")}},
		[]File{{"https://h.test/m.js", []byte("remote")}}))
	require.NoError(t, os.WriteFile(file, buf.Bytes(), 0o644))

	dir := t.TempDir()
	x, err := Extract(file, dir)
	require.NoError(t, err)
	assert.JSONEq(t, `{"vus":2}`, string(x.Options))
	assert.Equal(t, filepath.Join(dir, "src", "main.js"), x.Path(x.Script))
	for p, want := range map[string]string{"/src/main.js": "main", "/src/lib/a.js": "a", "/data/u.csv": "u"} {
		b, err := os.ReadFile(x.Path(p))
		require.NoError(t, err)
		assert.Equal(t, want, string(b), p)
	}
	require.Len(t, x.Remote, 1)
	assert.Equal(t, "https://h.test/m.js", x.Remote[0].URL)
	assert.Equal(t, "remote", string(x.RemoteContent(x.Remote[0])))
}

func TestExtractRefuses(t *testing.T) {
	t.Parallel()
	tarOf := func(members map[string]string) string {
		var buf bytes.Buffer
		tw := tar.NewWriter(&buf)
		for name, body := range members {
			require.NoError(t, writeMember(tw, name, []byte(body)))
		}
		require.NoError(t, tw.Close())
		p := filepath.Join(t.TempDir(), "x.tar")
		require.NoError(t, os.WriteFile(p, buf.Bytes(), 0o644))
		return p
	}
	_, err := Extract(tarOf(map[string]string{"a.js": "x"}), t.TempDir())
	require.ErrorIs(t, err, ErrNotArchive)
	_, err = Extract(tarOf(map[string]string{manifestName: `{"version":1}`, "../evil": "x"}), t.TempDir())
	require.ErrorContains(t, err, "../evil")
	_, err = Extract(tarOf(map[string]string{manifestName: `{"version":1,"remote":[{"url":"https://h/m.js","sha256":"00","name":"remote/x"}]}`, "remote/x": "y"}), t.TempDir())
	require.ErrorContains(t, err, "https://h/m.js")
	_, err = Extract(tarOf(map[string]string{manifestName: `{"version":2}`}), t.TempDir())
	require.ErrorContains(t, err, "version 2")
}
