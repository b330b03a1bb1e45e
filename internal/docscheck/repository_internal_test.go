package docscheck

import (
	"errors"
	"os"
	"path/filepath"
	"sort"
	"testing"
)

// modulePath is the main module, whose go.mod marks the repository root.
const modulePath = "github.com/txtarantool/txtarantool"

// repositoryRoot walks up from the working directory to the directory
// whose go.mod declares modulePath (so not bench/'s nested module).
func repositoryRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if mod, _, err := readGoMod(filepath.Join(dir, "go.mod")); err == nil && mod == modulePath {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("no go.mod declaring module " + modulePath + " above the working directory")
		}
		dir = parent
	}
}

// report is what one run of the check found.
type report struct {
	problems []string
	// files, links, goBlocks, programs, snippets count what was checked,
	// so that a test can tell a pass from a check that saw nothing.
	files, links, goBlocks, programs, snippets, examples int
}

// checkRepository runs the whole check on the repository at root:
// the links of README.md and docs/*.md, and README's go blocks (rule 1
// programs are built in tmp).
func checkRepository(root, tmp string) (report, error) {
	var r report
	readme := filepath.Join(root, "README.md")
	docs, err := filepath.Glob(filepath.Join(root, "docs", "*.md"))
	if err != nil {
		return r, err
	}
	sort.Strings(docs)
	lc := newLinkChecker(root)
	for _, path := range append([]string{readme}, docs...) {
		problems, n, err := lc.checkFile(path)
		if err != nil {
			return r, err
		}
		r.files++
		r.links += n
		r.problems = append(r.problems, problems...)
	}

	doc, err := lc.document(readme)
	if err != nil {
		return r, err
	}
	examples, err := findExamples(root)
	if err != nil {
		return r, err
	}
	r.examples = len(examples)
	var progs []program
	for _, f := range doc.fences {
		if f.info != "go" {
			continue
		}
		r.goBlocks++
		if isProgram(f.body) {
			progs = append(progs, program{f: f})
			continue
		}
		r.snippets++
		if msg := checkSnippet("README.md", f, examples); msg != "" {
			r.problems = append(r.problems, msg)
		}
	}
	r.programs = len(progs)
	problems, err := buildPrograms(root, tmp, "README.md", progs)
	if err != nil {
		return r, err
	}
	r.problems = append(r.problems, problems...)
	return r, nil
}

// TestRepositoryDocs is the docs check on this repository: README.md and
// docs/*.md links and anchors, README's go blocks. It also fails when
// README has no go block, so that it cannot pass by checking nothing.
func TestRepositoryDocs(t *testing.T) {
	root, err := repositoryRoot()
	if err != nil {
		t.Fatal(err)
	}
	r, err := checkRepository(root, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range r.problems {
		t.Error(p)
	}
	if r.goBlocks == 0 {
		t.Error("README.md has no ```go block: the snippet rule checked nothing")
	}
	t.Logf("checked %d files, %d relative links, %d go blocks in README.md (%d programs built, %d snippets against %d Example functions)",
		r.files, r.links, r.goBlocks, r.programs, r.snippets, r.examples)
}
