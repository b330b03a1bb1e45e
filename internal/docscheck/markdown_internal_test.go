package docscheck

import (
	"regexp"
	"strconv"
	"strings"
	"unicode"
)

// This file reads Markdown: fenced blocks, links, headings and their
// GitHub anchors. It is a line scanner for the subset the repository's
// documents use, not a CommonMark parser.

// fence is one fenced code block.
type fence struct {
	// info is the info string after the opening fence, trimmed.
	info string
	// line is the 1-based line of the opening fence.
	line int
	// body holds the lines between the fences, the opening fence's
	// indentation removed.
	body []string
}

// firstBodyLine is the 1-based line number of body[0].
func (f fence) firstBodyLine() int { return f.line + 1 }

// link is one link target found in a document.
type link struct {
	line   int
	target string
}

// document is a parsed Markdown file.
type document struct {
	fences  []fence
	links   []link
	anchors map[string]bool
	// lines is how many lines the file has, for #L<n> anchors.
	lines int
}

var (
	// fenceOpen matches an opening code fence: up to 3 spaces, 3 or more
	// backticks or tildes, the info string.
	fenceOpen = regexp.MustCompile("^( {0,3})(`{3,}|~{3,})(.*)$")
	// atxHeading matches "# Title" to "###### Title", with an optional
	// closing sequence of #.
	atxHeading = regexp.MustCompile(`^ {0,3}(#{1,6})(?:[ \t]+(.*?))?(?:[ \t]+#+)?[ \t]*$`)
	// setextUnderline matches the line under a setext heading.
	setextUnderline = regexp.MustCompile(`^ {0,3}(=+|-+)[ \t]*$`)
	// inlineLink matches [text](target "title") and ![alt](target).
	inlineLink = regexp.MustCompile(`!?\[[^\]]*\]\(\s*(<[^>]*>|[^)\s]+)(?:\s+(?:"[^"]*"|'[^']*'|\([^)]*\)))?\s*\)`)
	// refDefinition matches a reference definition: [name]: target.
	refDefinition = regexp.MustCompile(`^ {0,3}\[[^\]]+\]:\s*(<[^>]*>|\S+)`)
	// htmlAttr matches href="..." and src="..." in inline HTML.
	htmlAttr = regexp.MustCompile(`\b(?:href|src)\s*=\s*"([^"]*)"`)
	// htmlAnchor matches an explicit anchor: <a name="x"> or id="x".
	htmlAnchor = regexp.MustCompile(`<[a-zA-Z][^>]*\b(?:name|id)\s*=\s*"([^"]+)"`)
	// linkInText replaces a link by its text, for heading slugs.
	linkInText = regexp.MustCompile(`!?\[([^\]]*)\]\([^)]*\)`)
	// htmlTag matches a tag, dropped from heading text.
	htmlTag = regexp.MustCompile(`<[^>]+>`)
)

// parseMarkdown splits text into its fenced blocks, the link targets
// outside them and the anchors its headings define.
func parseMarkdown(text string) document {
	lines := strings.Split(strings.TrimSuffix(text, "\n"), "\n")
	doc := document{anchors: map[string]bool{}, lines: len(lines)}
	seen := map[string]int{} // slug -> times used, for -1, -2 suffixes
	addHeading := func(title string) {
		s := slug(title)
		if n, ok := seen[s]; ok {
			seen[s] = n + 1
			s = s + "-" + strconv.Itoa(n+1)
		} else {
			seen[s] = 0
		}
		doc.anchors[s] = true
	}
	var open *fence
	var marker string // the opening fence's backticks or tildes
	var indent int
	prevText := "" // the previous line when it may be a setext heading's text
	for i, line := range lines {
		n := i + 1
		if open != nil {
			if isFenceClose(line, marker) {
				doc.fences = append(doc.fences, *open)
				open = nil
				continue
			}
			open.body = append(open.body, dedent(line, indent))
			continue
		}
		if m := fenceOpen.FindStringSubmatch(line); m != nil && !(m[2][0] == '`' && strings.Contains(m[3], "`")) {
			open = &fence{info: strings.TrimSpace(m[3]), line: n}
			marker, indent = m[2], len(m[1])
			prevText = ""
			continue
		}
		if m := atxHeading.FindStringSubmatch(line); m != nil {
			addHeading(m[2])
			prevText = ""
		} else if setextUnderline.MatchString(line) && prevText != "" {
			addHeading(prevText)
			prevText = ""
			continue
		} else if strings.TrimSpace(line) == "" || strings.HasPrefix(strings.TrimSpace(line), "|") {
			prevText = ""
		} else {
			prevText = strings.TrimSpace(line)
		}
		for _, a := range htmlAnchor.FindAllStringSubmatch(line, -1) {
			doc.anchors[a[1]] = true
		}
		for _, target := range extractLinks(line) {
			doc.links = append(doc.links, link{line: n, target: target})
		}
	}
	if open != nil {
		// An unclosed fence runs to the end of the document.
		doc.fences = append(doc.fences, *open)
	}
	return doc
}

// isFenceClose reports whether line closes a fence opened with marker: the
// same character, at least as many, nothing after.
func isFenceClose(line, marker string) bool {
	t := strings.TrimLeft(line, " ")
	if len(line)-len(t) > 3 {
		return false
	}
	t = strings.TrimRight(t, " \t")
	if len(t) < len(marker) {
		return false
	}
	return strings.Trim(t, marker[:1]) == ""
}

// dedent removes up to n leading spaces.
func dedent(line string, n int) string {
	for k := 0; k < n && strings.HasPrefix(line, " "); k++ {
		line = line[1:]
	}
	return line
}

// extractLinks returns the link targets on one line of text outside code
// blocks: inline links and images, reference definitions, and HTML href and
// src attributes. Code spans are skipped.
func extractLinks(line string) []string {
	line = stripCodeSpans(line)
	var targets []string
	if m := refDefinition.FindStringSubmatch(line); m != nil {
		targets = append(targets, strings.Trim(m[1], "<>"))
	}
	for _, m := range inlineLink.FindAllStringSubmatch(line, -1) {
		targets = append(targets, strings.Trim(m[1], "<>"))
	}
	for _, m := range htmlAttr.FindAllStringSubmatch(line, -1) {
		targets = append(targets, m[1])
	}
	return targets
}

// stripCodeSpans removes `code spans` (of any number of backticks) from
// line; an unmatched run of backticks is kept as text.
func stripCodeSpans(line string) string {
	var b strings.Builder
	for {
		i := strings.IndexByte(line, '`')
		if i < 0 {
			b.WriteString(line)
			return b.String()
		}
		j := i
		for j < len(line) && line[j] == '`' {
			j++
		}
		run := line[i:j]
		end := indexRun(line[j:], run)
		if end < 0 {
			b.WriteString(line[:j])
			line = line[j:]
			continue
		}
		b.WriteString(line[:i])
		line = line[j+end+len(run):]
	}
}

// indexRun finds run in s as a run of exactly that many backticks.
func indexRun(s, run string) int {
	for from := 0; from < len(s); {
		k := strings.Index(s[from:], run)
		if k < 0 {
			return -1
		}
		k += from
		end := k + len(run)
		if end < len(s) && s[end] == '`' {
			// A longer run: skip all of it.
			for end < len(s) && s[end] == '`' {
				end++
			}
			from = end
			continue
		}
		return k
	}
	return -1
}

// slug returns the anchor GitHub gives a heading: the rendered text (links
// reduced to their text, tags dropped), lower-cased, every character that
// is not a letter, a digit, a space, '-' or '_' dropped, and each space
// turned into '-'.
func slug(heading string) string {
	text := linkInText.ReplaceAllString(heading, "$1")
	text = htmlTag.ReplaceAllString(text, "")
	text = strings.ToLower(strings.TrimSpace(text))
	var b strings.Builder
	for _, r := range text {
		switch {
		case r == ' ':
			b.WriteByte('-')
		case r == '-' || r == '_' || unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.Is(unicode.Mn, r):
			b.WriteRune(r)
		}
	}
	return b.String()
}
