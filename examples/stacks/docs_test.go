package stacks

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hushaudio/hush/internal/testaudio"
)

// marker is the line in a Markdown file that names the region of a
// program the Go block after it is cut from.
var marker = regexp.MustCompile(`^<!-- code: (\S+)#(\S+) -->$`)

// region is one excerpt's source: a file, relative to the repository's
// root, and the name between its docs:begin and docs:end lines.
type region struct{ file, name string }

func (r region) String() string { return r.file + "#" + r.name }

// TestDocsExcerpts checks that every Go block the documentation marks as
// cut from a program here is, to the character, the program's code
// between its docs:begin and docs:end lines (less their common
// indentation), and that docs/library.md shows every region the programs
// mark, so that neither can change without the other.
func TestDocsExcerpts(t *testing.T) {
	root := testaudio.RepoRoot(t)
	regions := markedRegions(t, root)
	require.NotEmpty(t, regions, "no docs:begin lines under examples/stacks")

	docs := []string{"README.md", "examples/README.md", "examples/stacks/README.md"}
	more, err := filepath.Glob(filepath.Join(root, "docs", "*.md"))
	require.NoError(t, err)
	for _, m := range more {
		docs = append(docs, must(filepath.Rel(root, m)))
	}
	shown := map[region][]string{}
	for _, doc := range docs {
		for r, block := range excerpts(t, filepath.Join(root, doc)) {
			code, ok := regions[r]
			if !assert.True(t, ok, "%s shows %s, which no program marks", doc, r) {
				continue
			}
			assert.Equal(t, code, block, "%s: the block after the marker of %s differs from the program's code", doc, r)
			shown[r] = append(shown[r], doc)
		}
	}
	for r := range regions {
		assert.Contains(t, shown[r], "docs/library.md", "docs/library.md does not show %s", r)
	}
}

// markedRegions returns the code of every docs:begin ... docs:end region
// in the Go files of this module, dedented, by region.
func markedRegions(t *testing.T, root string) map[region]string {
	t.Helper()
	regions := map[region]string{}
	err := filepath.WalkDir(filepath.Join(root, "examples", "stacks"), func(path string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".go") {
			return err
		}
		rel := must(filepath.Rel(root, path))
		for name, code := range fileRegions(t, path) {
			regions[region{filepath.ToSlash(rel), name}] = code
		}
		return nil
	})
	require.NoError(t, err)
	return regions
}

var (
	beginLine = regexp.MustCompile(`^\s*// docs:begin (\S+)$`)
	endLine   = regexp.MustCompile(`^\s*// docs:end (\S+)$`)
)

// fileRegions returns the regions of one Go file; it fails the test on a
// begin without its end, an end without its begin, a name used twice or
// a region inside another.
func fileRegions(t *testing.T, path string) map[string]string {
	t.Helper()
	b, err := os.ReadFile(path)
	require.NoError(t, err)
	regions := map[string]string{}
	open, start := "", 0
	lines := strings.Split(string(b), "\n")
	for i, line := range lines {
		if m := beginLine.FindStringSubmatch(line); m != nil {
			require.Empty(t, open, "%s:%d: docs:begin %s inside %s", path, i+1, m[1], open)
			_, dup := regions[m[1]]
			require.False(t, dup, "%s:%d: a second region %s", path, i+1, m[1])
			open, start = m[1], i+1
		} else if m := endLine.FindStringSubmatch(line); m != nil {
			require.Equal(t, open, m[1], "%s:%d: docs:end %s does not close the open region", path, i+1, m[1])
			regions[open] = dedent(lines[start:i])
			open = ""
		}
	}
	require.Empty(t, open, "%s: docs:begin %s has no docs:end", path, open)
	return regions
}

// dedent joins lines after removing the leading tabs they all have, and
// the blank lines at either end (gofmt puts one between a function and a
// docs:end line after it).
func dedent(lines []string) string {
	for len(lines) > 0 && strings.TrimSpace(lines[0]) == "" {
		lines = lines[1:]
	}
	for len(lines) > 0 && strings.TrimSpace(lines[len(lines)-1]) == "" {
		lines = lines[:len(lines)-1]
	}
	common := -1
	for _, l := range lines {
		if strings.TrimSpace(l) == "" {
			continue
		}
		n := len(l) - len(strings.TrimLeft(l, "\t"))
		if common < 0 || n < common {
			common = n
		}
	}
	out := make([]string, len(lines))
	for i, l := range lines {
		if strings.TrimSpace(l) != "" {
			out[i] = l[max(common, 0):]
		}
	}
	return strings.Join(out, "\n") + "\n"
}

// excerpts returns the Go block after each marker of a Markdown file, by
// the region the marker names; a missing file has none.
func excerpts(t *testing.T, path string) map[region]string {
	t.Helper()
	f, err := os.Open(path)
	if os.IsNotExist(err) {
		return nil
	}
	require.NoError(t, err)
	defer f.Close()
	var lines []string
	for s := bufio.NewScanner(f); s.Scan(); {
		lines = append(lines, s.Text())
	}
	blocks := map[region]string{}
	for i, line := range lines {
		m := marker.FindStringSubmatch(line)
		if m == nil {
			continue
		}
		r := region{m[1], m[2]}
		where := fmt.Sprintf("%s:%d", path, i+1)
		require.True(t, i+1 < len(lines) && lines[i+1] == "```go", "%s: the marker of %s must be followed by a ```go line", where, r)
		end := slices.Index(lines[i+2:], "```")
		require.GreaterOrEqual(t, end, 0, "%s: the block of %s is not closed", where, r)
		_, dup := blocks[r]
		require.False(t, dup, "%s: %s shown twice in one file", where, r)
		blocks[r] = strings.Join(lines[i+2:i+2+end], "\n") + "\n"
	}
	return blocks
}

func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}
