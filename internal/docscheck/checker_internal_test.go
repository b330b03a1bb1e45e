package docscheck

import (
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// The checker's own tests: small inline inputs, including ones that must
// fail, so that the repository check cannot pass by checking nothing.

func TestSlug(t *testing.T) {
	for heading, want := range map[string]string{
		"Quick start":                          "quick-start",
		"Errors: what to match, what to retry": "errors-what-to-match-what-to-retry",
		"`Await` and `Then`":                   "await-and-then",
		"Pools, Unix & TLS":                    "pools-unix--tls",
		"snake_case and kebab-case":            "snake_case-and-kebab-case",
		"[Link text](docs/x.md) here":          "link-text-here",
		"Go 1.24+ (tested)":                    "go-124-tested",
		"  Padded  ":                           "padded",
		"Ünïcode Größe":                        "ünïcode-größe",
		"<a name=\"x\"></a>Tagged":             "tagged",
		"C++ / Go?":                            "c--go",
	} {
		if got := slug(heading); got != want {
			t.Errorf("slug(%q) = %q, want %q", heading, got, want)
		}
	}
}

func TestParseMarkdownAnchors(t *testing.T) {
	doc := parseMarkdown(strings.Join([]string{
		"# Title",
		"## Usage",
		"text",
		"## Usage",
		"### Usage ###",
		"Setext heading",
		"==============",
		"```go",
		"# not a heading",
		"```",
		"<a name=\"custom\"></a>",
		"#hashtag is not a heading",
		"",
		"---",
	}, "\n"))
	want := map[string]bool{"title": true, "usage": true, "usage-1": true, "usage-2": true, "setext-heading": true, "custom": true}
	if !reflect.DeepEqual(doc.anchors, want) {
		t.Errorf("anchors = %v, want %v", doc.anchors, want)
	}
}

func TestParseMarkdownFences(t *testing.T) {
	doc := parseMarkdown(strings.Join([]string{
		"intro",
		"```go",
		"x := 1",
		"```",
		"```go title=main.go",
		"y := 2",
		"```",
		"- item",
		"  ```go",
		"  z := 3",
		"    indented",
		"  ```",
		"````",
		"```go",
		"inner fence is text",
		"````",
		"~~~sh",
		"echo hi",
		"~~~",
		"```",
		"unclosed",
	}, "\n"))
	var got []fence
	got = append(got, doc.fences...)
	want := []fence{
		{info: "go", line: 2, body: []string{"x := 1"}},
		{info: "go title=main.go", line: 5, body: []string{"y := 2"}},
		{info: "go", line: 9, body: []string{"z := 3", "  indented"}},
		{info: "", line: 13, body: []string{"```go", "inner fence is text"}},
		{info: "sh", line: 17, body: []string{"echo hi"}},
		{info: "", line: 20, body: []string{"unclosed"}},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("fences:\n got %+v\nwant %+v", got, want)
	}
}

func TestExtractLinks(t *testing.T) {
	for line, want := range map[string][]string{
		"See [the guide](docs/guide.md) and [API](https://pkg.go.dev/x).": {"docs/guide.md", "https://pkg.go.dev/x"},
		"[anchor](#quick-start), ![chart](bench/results.svg \"title\")":   {"#quick-start", "bench/results.svg"},
		"`[not a link](nope.md)` but [this](yes.md)":                      {"yes.md"},
		"``code with ` and [x](no.md)`` then [y](y.md#part)":              {"y.md#part"},
		"[ref]: docs/ref.md \"Title\"":                                    {"docs/ref.md"},
		"<a href=\"LICENSE\">license</a> <img src=\"bench/results.svg\">": {"LICENSE", "bench/results.svg"},
		"[spaced](<docs/a b.md>)":                                         {"docs/a b.md"},
		"no links [here] (or here)":                                       nil,
	} {
		if got := extractLinks(line); !reflect.DeepEqual(got, want) {
			t.Errorf("extractLinks(%q) = %q, want %q", line, got, want)
		}
	}
	// Links inside fenced blocks are not links.
	doc := parseMarkdown("[a](a.md)\n```\n[b](b.md)\n```\n[c](c.md)\n")
	if want := []link{{1, "a.md"}, {5, "c.md"}}; !reflect.DeepEqual(doc.links, want) {
		t.Errorf("links = %v, want %v", doc.links, want)
	}
}

// writeTree creates files (path -> content) under a new temp dir.
func writeTree(t *testing.T, files map[string]string) string {
	t.Helper()
	root := t.TempDir()
	for path, content := range files {
		p := filepath.Join(root, filepath.FromSlash(path))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return root
}

func TestCheckLinks(t *testing.T) {
	root := writeTree(t, map[string]string{
		"README.md": strings.Join([]string{
			"# Top",
			"[ok](docs/guide.md) [ok](docs/guide.md#pools-and-tls) [ok](#top) [ok](docs/)",
			"[ok](https://example.com/missing.md) [ok](mailto:x@example.com) [ok](/docs/guide.md)",
			"[ok](main.go#L2) [ok](main.go#L1-L3) [ok](docs/a%20b.md)",
			"[bad](docs/missing.md)",
			"[bad](docs/guide.md#no-such-heading)",
			"[bad](#nope)",
			"[bad](../outside.md)",
			"[bad](main.go#L9) [bad](main.go#func) [bad](docs/#x)",
		}, "\n"),
		"docs/guide.md": "# Guide\n## Pools and TLS\n[back](../README.md#top) [bad](../README.md#Top)\n",
		"docs/a b.md":   "spaced\n",
		"main.go":       "package main\n\nfunc main() {}\n",
	})
	lc := newLinkChecker(root)
	problems, checked, err := lc.checkFile(filepath.Join(root, "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	wantProblems := []string{
		`README.md:5: link "docs/missing.md": no such file or directory docs/missing.md`,
		`README.md:6: link "docs/guide.md#no-such-heading": no heading in docs/guide.md has the anchor #no-such-heading`,
		`README.md:7: link "#nope": no heading in README.md has the anchor #nope`,
		`README.md:8: link "../outside.md": points outside the repository`,
		`README.md:9: link "main.go#L9": line 9 is past the end of main.go (3 lines)`,
		`README.md:9: link "main.go#func": anchor #func on main.go, which is not Markdown (only #L<n> and #L<n>-L<m> can be checked)`,
		`README.md:9: link "docs/#x": anchor #x on a directory`,
	}
	if !reflect.DeepEqual(problems, wantProblems) {
		t.Errorf("problems:\n%s\nwant:\n%s", strings.Join(problems, "\n"), strings.Join(wantProblems, "\n"))
	}
	if checked != 15 {
		t.Errorf("checked %d relative links, want 15", checked)
	}
	problems, _, err = lc.checkFile(filepath.Join(root, "docs", "guide.md"))
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{`docs/guide.md:3: link "../README.md#Top": no heading in README.md has the anchor #Top`}; !reflect.DeepEqual(problems, want) {
		t.Errorf("guide problems = %q, want %q", problems, want)
	}
}

func TestIsProgram(t *testing.T) {
	for src, want := range map[string]bool{
		"package main\n\nfunc main() {}":               true,
		"// Quick start.\n\npackage main":              true,
		"/* a\n   b */\npackage main":                  true,
		"/* a */ package main":                         true,
		"// package main\nx := 1":                      false,
		"x := 1\npackage main":                         false,
		"":                                             false,
		"  package main":                               true,
		"packaged := 1":                                false,
		"import \"fmt\"\n\npackage main":               false,
		"/* package main */\nc.Ping(ctx)\npackage foo": false,
	} {
		if got := isProgram(strings.Split(src, "\n")); got != want {
			t.Errorf("isProgram(%q) = %v, want %v", src, got, want)
		}
	}
}

// examplesFrom parses src as a _test.go file and returns its examples.
func examplesFrom(t *testing.T, src string) []example {
	t.Helper()
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, "x_test.go", src, 0)
	if err != nil {
		t.Fatal(err)
	}
	return examplesIn(fset, f, []byte(src), "pkg/x_test.go")
}

const exampleSrc = `package pkg_test

func helper() {}

func (T) ExampleMethodIsNotAnExample() { unrelated() }

func ExampleClient_Ping() {
	ctx := context.Background()
	c, err := client.Dial(ctx, addr, client.Options{})
	if err != nil {
		log.Fatal(err)
	}

	defer c.Close()
	_, err = c.Ping(ctx).Await(ctx)
	// Output:
}

func ExampleSecond() {
	first()
	second()
}
`

func TestFindExamplesIn(t *testing.T) {
	ex := examplesFrom(t, exampleSrc)
	if len(ex) != 2 || ex[0].name != "ExampleClient_Ping" || ex[1].name != "ExampleSecond" {
		t.Fatalf("examples = %+v", ex)
	}
	if ex[0].line != 7 || ex[0].file != "pkg/x_test.go" {
		t.Errorf("position = %s:%d, want pkg/x_test.go:7", ex[0].file, ex[0].line)
	}
	var texts []string
	for _, l := range ex[0].body {
		texts = append(texts, l.text)
	}
	want := []string{"ctx := context.Background()", "c, err := client.Dial(ctx, addr, client.Options{})", "if err != nil {", "log.Fatal(err)", "}", "defer c.Close()", "_, err = c.Ping(ctx).Await(ctx)", "// Output:"}
	if !reflect.DeepEqual(texts, want) {
		t.Errorf("body = %q, want %q", texts, want)
	}
	if ex[0].body[0].line != 8 || ex[0].body[5].line != 14 {
		t.Errorf("body line numbers = %d, %d, want 8, 14", ex[0].body[0].line, ex[0].body[5].line)
	}
}

func TestCheckSnippet(t *testing.T) {
	examples := examplesFrom(t, exampleSrc)
	block := func(line int, src string) fence {
		return fence{info: "go", line: line, body: strings.Split(src, "\n")}
	}
	// Contiguous after trimming, with blank lines dropped on both sides and
	// different indentation: passes.
	for _, src := range []string{
		"c, err := client.Dial(ctx, addr, client.Options{})\nif err != nil {\n        log.Fatal(err)\n}\ndefer c.Close()",
		"\n  defer c.Close()\n\n\n_, err = c.Ping(ctx).Await(ctx)\n",
		"first()\nsecond()",
		"ctx := context.Background()",
	} {
		if msg := checkSnippet("README.md", block(10, src), examples); msg != "" {
			t.Errorf("block %q: %s", src, msg)
		}
	}
	for _, tc := range []struct {
		src  string
		want []string
	}{
		{ // a line changed in the middle
			"ctx := context.Background()\nc, err := client.Dial(ctx, addr, client.Options{User: \"u\"})",
			[]string{`README.md:10: go block is not a complete program`, `README.md:12 "c, err := client.Dial(ctx, addr, client.Options{User: \"u\"})" is its first line`, `closest: ExampleClient_Ping (pkg/x_test.go:7) has the block's first 1 of 2 lines, then "c, err := client.Dial(ctx, addr, client.Options{})"`},
		},
		{ // lines from two examples are not one contiguous run
			"defer c.Close()\n_, err = c.Ping(ctx).Await(ctx)\n// Output:\nfirst()",
			[]string{`README.md:14 "first()" is its first line`, `has the block's first 3 of 4 lines, then "the end of the function"`},
		},
		{ // skipping a line is not contiguous
			"ctx := context.Background()\n\nif err != nil {",
			[]string{`README.md:13 "if err != nil {" is its first line`},
		},
		{ // nothing matches
			"nowhere()",
			[]string{`README.md:11 "nowhere()" is its first line`, `(no Example of the 2 in the module's _test.go files contains its first line)`},
		},
		{ // a method named Example... is not an example
			"unrelated()",
			[]string{`"unrelated()" is its first line`},
		},
		{"\n  \n", []string{"README.md:10: go block is empty"}},
	} {
		msg := checkSnippet("README.md", block(10, tc.src), examples)
		for _, want := range tc.want {
			if !strings.Contains(msg, want) {
				t.Errorf("block %q: message %q lacks %q", tc.src, msg, want)
			}
		}
	}
}

func TestLongestRun(t *testing.T) {
	lines := func(s ...string) []codeLine {
		out := make([]codeLine, len(s))
		for i, x := range s {
			out[i] = codeLine{text: x, line: i + 1}
		}
		return out
	}
	body := lines("a", "b", "a", "b", "c", "d")
	for _, tc := range []struct {
		block   []codeLine
		n, at   int
		comment string
	}{
		{lines("a", "b", "c"), 3, 2, "the second a starts the full run"},
		{lines("b", "c", "d"), 3, 3, ""},
		{lines("a", "c"), 1, 0, "not contiguous"},
		{lines("x"), 0, -1, "absent"},
		{lines("c", "d", "e"), 2, 4, "runs off the end"},
	} {
		if n, at := longestRun(tc.block, body); n != tc.n || at != tc.at {
			t.Errorf("%v (%s): got %d at %d, want %d at %d", tc.block, tc.comment, n, at, tc.n, tc.at)
		}
	}
}

// TestBuildPrograms builds two programs against this repository: one that
// compiles and one with a type error, which must be reported at its README
// line; and one that vet rejects.
func TestBuildPrograms(t *testing.T) {
	if testing.Short() {
		t.Skip("builds programs with the go command")
	}
	root, err := repositoryRoot()
	if err != nil {
		t.Fatal(err)
	}
	good := fence{info: "go", line: 20, body: strings.Split(`package main

import (
	"context"
	"fmt"

	"github.com/txtarantool/txtarantool/future"
)

func main() {
	v, err := future.Resolved(1).Await(context.Background())
	fmt.Println(v, err)
}`, "\n")}
	badType := fence{info: "go", line: 40, body: strings.Split(`package main

import "github.com/txtarantool/txtarantool/client"

func main() {
	var n int = client.Options{}
	_ = n
}`, "\n")}
	badVet := fence{info: "go", line: 60, body: strings.Split(`package main

import "fmt"

func main() {
	fmt.Printf("%d\n", "not a number")
}`, "\n")}
	noMain := fence{info: "go", line: 80, body: []string{"package main", "", "func helper() {}"}}
	problems, err := buildPrograms(root, t.TempDir(), "README.md", []program{{good}, {badType}, {badVet}, {noMain}})
	if err != nil {
		t.Fatal(err)
	}
	t.Log("problems reported:\n" + strings.Join(problems, "\n\n"))
	if len(problems) != 3 {
		t.Fatalf("want 3 problems, got %d:\n%s", len(problems), strings.Join(problems, "\n"))
	}
	for i, want := range [][]string{
		{"README.md:40: go block is a complete program", "`go build` fails", "README.md:46:"},
		{"README.md:60:", "`go vet` fails", "README.md:66:"},
		{"README.md:80:", "`go build` fails", "main"},
	} {
		for _, w := range want {
			if !strings.Contains(problems[i], w) {
				t.Errorf("problem %d lacks %q:\n%s", i, w, problems[i])
			}
		}
	}
}
