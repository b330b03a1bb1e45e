package docscheck

import (
	"bytes"
	"errors"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
)

// This file checks README's go blocks: rule 1 (a complete program builds)
// and rule 2 (the lines are part of an Example function).

// isProgram reports whether a go block is a complete program (rule 1): its
// first line that is neither blank nor a comment starts with "package ".
// Line comments and /* */ comments count as comments.
func isProgram(body []string) bool {
	inBlock := false
	for _, line := range body {
		t := strings.TrimSpace(line)
		for t != "" {
			if inBlock {
				end := strings.Index(t, "*/")
				if end < 0 {
					t = ""
					break
				}
				inBlock, t = false, strings.TrimSpace(t[end+2:])
				continue
			}
			if strings.HasPrefix(t, "//") {
				t = ""
				break
			}
			if strings.HasPrefix(t, "/*") {
				inBlock, t = true, t[2:]
				continue
			}
			return strings.HasPrefix(t, "package ")
		}
	}
	return false
}

// codeLine is one trimmed, non-blank line and where it was.
type codeLine struct {
	text string
	line int // 1-based, in its file
}

// normalize trims every line of surrounding white space and drops blank
// ones; first is the line number of lines[0].
func normalize(lines []string, first int) []codeLine {
	var out []codeLine
	for i, l := range lines {
		if t := strings.TrimSpace(l); t != "" {
			out = append(out, codeLine{text: t, line: first + i})
		}
	}
	return out
}

// example is the body of one func Example... declared in a _test.go file.
type example struct {
	name string
	file string // relative to the repository root
	line int    // of the func keyword
	body []codeLine
}

// longestRun returns the length of the longest prefix of block that occurs
// as a contiguous run in body, and the index in body where that run starts
// (-1 when not even block[0] occurs).
func longestRun(block, body []codeLine) (n, at int) {
	at = -1
	for start := range body {
		k := 0
		for k < len(block) && start+k < len(body) && body[start+k].text == block[k].text {
			k++
		}
		if k > n {
			n, at = k, start
			if n == len(block) {
				return n, at
			}
		}
	}
	return n, at
}

// checkSnippet applies rule 2 to a go block of README: it returns "" when
// the block's lines are a contiguous run inside the body of one of
// examples, else the problem, naming the first line no Example continues
// and the Example that came closest.
func checkSnippet(readme string, f fence, examples []example) string {
	block := normalize(f.body, f.firstBodyLine())
	if len(block) == 0 {
		return fmt.Sprintf("%s:%d: go block is empty", readme, f.line)
	}
	best, bestAt := 0, -1
	var closest *example
	for i := range examples {
		n, at := longestRun(block, examples[i].body)
		if n == len(block) {
			return ""
		}
		if n > best {
			best, bestAt, closest = n, at, &examples[i]
		}
	}
	bad := block[best]
	msg := fmt.Sprintf("%s:%d: go block is not a complete program (its first code line is not a package clause), so it must be part of an Example function, but %s:%d %q is its first line that no Example continues",
		readme, f.line, readme, bad.line, bad.text)
	if closest != nil {
		msg += fmt.Sprintf("; closest: %s (%s:%d) has the block's first %d of %d lines, then %q",
			closest.name, closest.file, closest.line, best, len(block), next(closest.body, bestAt+best))
	} else {
		msg += fmt.Sprintf(" (no Example of the %d in the module's _test.go files contains its first line)", len(examples))
	}
	return msg
}

// next returns body[i]'s text, or "the end of the function".
func next(body []codeLine, i int) string {
	if i < len(body) {
		return body[i].text
	}
	return "the end of the function"
}

// findExamples parses every _test.go file of the module rooted at root
// (skipping nested modules, testdata, vendor and hidden directories) and
// returns the bodies of its func Example... declarations.
func findExamples(root string) ([]example, error) {
	var out []example
	fset := token.NewFileSet()
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if path == root {
				return nil
			}
			name := d.Name()
			if strings.HasPrefix(name, ".") || strings.HasPrefix(name, "_") || name == "testdata" || name == "vendor" {
				return filepath.SkipDir
			}
			if _, err := os.Stat(filepath.Join(path, "go.mod")); err == nil {
				return filepath.SkipDir // a nested module
			}
			return nil
		}
		if !strings.HasSuffix(path, "_test.go") {
			return nil
		}
		src, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		file, err := parser.ParseFile(fset, path, src, parser.SkipObjectResolution)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, path)
		out = append(out, examplesIn(fset, file, src, filepath.ToSlash(rel))...)
		return nil
	})
	return out, err
}

// examplesIn returns the Example functions of one parsed file.
func examplesIn(fset *token.FileSet, file *ast.File, src []byte, rel string) []example {
	var out []example
	for _, decl := range file.Decls {
		fn, ok := decl.(*ast.FuncDecl)
		if !ok || fn.Recv != nil || fn.Body == nil || !strings.HasPrefix(fn.Name.Name, "Example") {
			continue
		}
		open := fset.Position(fn.Body.Lbrace)
		closeBrace := fset.Position(fn.Body.Rbrace)
		inner := string(src[open.Offset+1 : closeBrace.Offset])
		out = append(out, example{
			name: fn.Name.Name,
			file: rel,
			line: fset.Position(fn.Pos()).Line,
			body: normalize(strings.Split(inner, "\n"), open.Line),
		})
	}
	return out
}

// program is a complete-program go block (rule 1).
type program struct {
	f fence
}

// goCommand returns the go command on PATH, which `go test` puts there.
func goCommand() (string, error) {
	p, err := exec.LookPath("go")
	if err != nil {
		return "", fmt.Errorf("no go command on PATH: cannot build README's programs: %w", err)
	}
	return p, nil
}

// buildPrograms applies rule 1: each program goes into its own package of
// a temporary module in tmp that requires the module at root through a
// replace directive, and must pass go build and go vet offline. Compiler
// positions name README lines (a //line directive starts each file). It
// returns one problem per failing program.
func buildPrograms(root, tmp, readme string, progs []program) ([]string, error) {
	if len(progs) == 0 {
		return nil, nil
	}
	goBin, err := goCommand()
	if err != nil {
		return nil, err
	}
	modPath, goVersion, err := readGoMod(filepath.Join(root, "go.mod"))
	if err != nil {
		return nil, err
	}
	gomod := fmt.Sprintf("module docscheck.invalid/readme\n\ngo %s\n\nrequire %s v0.0.0\n\nreplace %s => %s\n",
		goVersion, modPath, modPath, root)
	if err := os.WriteFile(filepath.Join(tmp, "go.mod"), []byte(gomod), 0o644); err != nil {
		return nil, err
	}
	if sum, err := os.ReadFile(filepath.Join(root, "go.sum")); err == nil {
		if err := os.WriteFile(filepath.Join(tmp, "go.sum"), sum, 0o644); err != nil {
			return nil, err
		}
	} else if !errors.Is(err, fs.ErrNotExist) {
		return nil, err
	}
	env := append(os.Environ(), "GOFLAGS=-mod=mod", "GOPROXY=off", "GOWORK=off", "GOTOOLCHAIN=local", "GOSUMDB=off")
	var problems []string
	for i, p := range progs {
		dir := fmt.Sprintf("block%d", i+1)
		if err := os.Mkdir(filepath.Join(tmp, dir), 0o755); err != nil {
			return nil, err
		}
		src := fmt.Sprintf("//line %s:%d\n%s\n", readme, p.f.firstBodyLine(), strings.Join(p.f.body, "\n"))
		if err := os.WriteFile(filepath.Join(tmp, dir, "main.go"), []byte(src), 0o644); err != nil {
			return nil, err
		}
		for _, args := range [][]string{
			{"build", "-o", filepath.Join(tmp, "bin") + string(filepath.Separator), "./" + dir},
			{"vet", "./" + dir},
		} {
			cmd := exec.Command(goBin, args...)
			cmd.Dir, cmd.Env = tmp, env
			var out bytes.Buffer
			cmd.Stdout, cmd.Stderr = &out, &out
			if err := cmd.Run(); err != nil {
				problems = append(problems, fmt.Sprintf("%s:%d: go block is a complete program (starts with a package clause) but `go %s` fails (%v) in a module requiring %s => %s:\n%s",
					readme, p.f.line, args[0], err, modPath, root, strings.TrimSpace(strings.ReplaceAll(out.String(), filepath.Join(tmp, dir)+string(filepath.Separator), ""))))
				break
			}
		}
	}
	return problems, nil
}

// readGoMod returns the module path and go version of a go.mod file.
func readGoMod(path string) (module, goVersion string, err error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return "", "", err
	}
	for _, line := range strings.Split(string(b), "\n") {
		f := strings.Fields(line)
		if len(f) == 2 && f[0] == "module" {
			module = strings.Trim(f[1], `"`)
		}
		if len(f) == 2 && f[0] == "go" {
			goVersion = f[1]
		}
	}
	if module == "" || goVersion == "" {
		return "", "", fmt.Errorf("%s: no module or go line", path)
	}
	return module, goVersion, nil
}
