package docscheck

import (
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
)

// scheme matches a link with a scheme (https:, mailto:, ...), which the
// check leaves alone.
var scheme = regexp.MustCompile(`^[a-zA-Z][a-zA-Z0-9+.-]*:`)

// lineAnchor matches GitHub's line anchors on non-Markdown files: L12 or
// L12-L20.
var lineAnchor = regexp.MustCompile(`^L(\d+)(?:-L(\d+))?$`)

// linkChecker checks link targets within one repository, parsing each
// Markdown target once.
type linkChecker struct {
	root string
	docs map[string]document // by absolute path
}

// newLinkChecker returns a checker for links inside root.
func newLinkChecker(root string) *linkChecker {
	return &linkChecker{root: root, docs: map[string]document{}}
}

// document returns the parsed Markdown file at path.
func (c *linkChecker) document(path string) (document, error) {
	if d, ok := c.docs[path]; ok {
		return d, nil
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return document{}, err
	}
	d := parseMarkdown(string(b))
	c.docs[path] = d
	return d, nil
}

// checkFile checks every link of the Markdown file at path and returns one
// problem per bad link, as "rel:line: ...".
func (c *linkChecker) checkFile(path string) ([]string, int, error) {
	doc, err := c.document(path)
	if err != nil {
		return nil, 0, err
	}
	rel := c.rel(path)
	var problems []string
	checked := 0
	for _, l := range doc.links {
		msg, isRelative := c.checkLink(path, l.target)
		if isRelative {
			checked++
		}
		if msg != "" {
			problems = append(problems, fmt.Sprintf("%s:%d: link %q: %s", rel, l.line, l.target, msg))
		}
	}
	return problems, checked, nil
}

// checkLink checks one target found in the file at from. It returns what
// is wrong ("" when nothing is) and whether the target was relative
// (checked at all).
func (c *linkChecker) checkLink(from, target string) (problem string, relative bool) {
	if target == "" {
		return "empty link target", true
	}
	if scheme.MatchString(target) || strings.HasPrefix(target, "//") {
		return "", false
	}
	pathPart, frag, hasFrag := strings.Cut(target, "#")
	if i := strings.IndexByte(pathPart, '?'); i >= 0 {
		pathPart = pathPart[:i]
	}
	p, err := url.PathUnescape(pathPart)
	if err != nil {
		return fmt.Sprintf("bad escape in path: %v", err), true
	}
	dest := from
	switch {
	case p == "":
	case strings.HasPrefix(p, "/"):
		dest = filepath.Join(c.root, filepath.FromSlash(p))
	default:
		dest = filepath.Join(filepath.Dir(from), filepath.FromSlash(p))
	}
	if r, err := filepath.Rel(c.root, dest); err != nil || r == ".." || strings.HasPrefix(r, ".."+string(filepath.Separator)) {
		return "points outside the repository", true
	}
	st, err := os.Stat(dest)
	if err != nil {
		return fmt.Sprintf("no such file or directory %s", c.rel(dest)), true
	}
	if !hasFrag {
		return "", true
	}
	if frag, err = url.PathUnescape(frag); err != nil {
		return fmt.Sprintf("bad escape in anchor: %v", err), true
	}
	if frag == "" {
		return "empty anchor", true
	}
	if st.IsDir() {
		return fmt.Sprintf("anchor #%s on a directory", frag), true
	}
	if strings.EqualFold(filepath.Ext(dest), ".md") {
		doc, err := c.document(dest)
		if err != nil {
			return err.Error(), true
		}
		if !doc.anchors[frag] {
			return fmt.Sprintf("no heading in %s has the anchor #%s", c.rel(dest), frag), true
		}
		return "", true
	}
	m := lineAnchor.FindStringSubmatch(frag)
	if m == nil {
		return fmt.Sprintf("anchor #%s on %s, which is not Markdown (only #L<n> and #L<n>-L<m> can be checked)", frag, c.rel(dest)), true
	}
	b, err := os.ReadFile(dest)
	if err != nil {
		return err.Error(), true
	}
	n := strings.Count(string(b), "\n")
	if len(b) > 0 && !strings.HasSuffix(string(b), "\n") {
		n++
	}
	for _, s := range m[1:] {
		if s == "" {
			continue
		}
		if k, _ := strconv.Atoi(s); k < 1 || k > n {
			return fmt.Sprintf("line %d is past the end of %s (%d lines)", k, c.rel(dest), n), true
		}
	}
	return "", true
}

// rel returns path relative to the repository root, slash-separated.
func (c *linkChecker) rel(path string) string {
	r, err := filepath.Rel(c.root, path)
	if err != nil {
		return path
	}
	return filepath.ToSlash(r)
}
