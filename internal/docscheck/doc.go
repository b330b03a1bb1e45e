// Package docscheck holds the documentation check that `go test ./...`
// (and so `make test`) runs; `make docs` runs it alone. It has no
// non-test code: the checker and its own tests are in the _test.go files.
//
// The check reads README.md and docs/*.md at the repository root (the
// nearest directory above the working directory whose go.mod declares
// module github.com/txtarantool/txtarantool) and reports, as
// file:line: what is wrong:
//
//   - every relative link, in [text](path), [text](path#anchor),
//     ![alt](path), reference definitions ([name]: path) and HTML
//     href/src attributes, outside code blocks and code spans, whose file
//     does not exist (relative to the .md file; a leading / means the
//     repository root) or lies outside the repository, and every #anchor
//     that matches no heading of the target Markdown file (GitHub's slug:
//     lower-case, spaces to -, punctuation other than - and _ dropped,
//     -1, -2, ... for repeated headings; explicit <a name|id> anchors
//     count too; #L12 or #L12-L20 on other files must be within the file).
//     Links with a scheme (https:, mailto:, ...) are not checked.
//   - every fenced block in README.md whose info string is exactly go:
//     if its first line that is neither blank nor a comment starts with
//     "package ", it is a complete program and must pass `go build` and
//     `go vet` in a temporary module that requires this module through a
//     replace directive to the repository root (offline: GOPROXY=off,
//     GOFLAGS=-mod=mod, GOWORK=off, the root go.sum copied), with compiler
//     positions reported as README.md lines; otherwise its lines, each
//     trimmed of surrounding white space and blank lines dropped, must be
//     a contiguous run of the likewise trimmed lines of the body of a
//     func Example... in a _test.go file of the main module (nested
//     modules such as bench/ excluded). A failure names the block's README
//     line, its first line that no Example continues, and the Example
//     that came closest.
//
// Blocks with any other info string (sh, lua, text, none) are not checked,
// and neither are the Go blocks of docs/*.md.
package docscheck
