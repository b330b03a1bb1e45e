package main

import (
	"fmt"
	"html"
	"io"
	"strings"
)

// svgColors are the bar colours, by client order.
var svgColors = []string{"#1f77b4", "#ff7f0e", "#7f7f7f", "#2ca02c"}

// writeSVG draws median ops/s per case as horizontal grouped bars, one bar
// per client. Each case's bars are scaled to that case's fastest client
// (cases differ by orders of magnitude); the value is printed on each bar.
func (r *results) writeSVG(w io.Writer, title string) error {
	const (
		width   = 960
		labelW  = 190
		valueW  = 150
		barH    = 14
		gap     = 12
		top     = 60
		legendH = 24
	)
	barMax := float64(width - labelW - valueW - 20)
	var b strings.Builder
	y := top + legendH
	var body strings.Builder
	for _, c := range r.cases {
		var sums []summary
		var names []string
		var colors []string
		maxOps := 0.0
		for i, k := range r.clients {
			s, ok := r.summary(c, k.name)
			if !ok {
				continue
			}
			sums = append(sums, s)
			names = append(names, k.name)
			colors = append(colors, svgColors[i%len(svgColors)])
			maxOps = max(maxOps, s.ops.med)
		}
		if len(sums) == 0 || maxOps <= 0 {
			continue
		}
		groupH := len(sums) * barH
		fmt.Fprintf(&body, `<text x="%d" y="%d" font-size="12" text-anchor="end" dominant-baseline="middle">%s</text>`+"\n",
			labelW-10, y+groupH/2, html.EscapeString(c.String()))
		for i, s := range sums {
			bw := s.ops.med / maxOps * barMax
			fmt.Fprintf(&body, `<rect x="%d" y="%d" width="%.1f" height="%d" fill="%s"><title>%s %s: %.0f ops/s</title></rect>`+"\n",
				labelW, y, bw, barH-2, colors[i], html.EscapeString(c.String()), names[i], s.ops.med)
			fmt.Fprintf(&body, `<text x="%.1f" y="%d" font-size="10" dominant-baseline="middle">%s %s ops/s</text>`+"\n",
				float64(labelW)+bw+4, y+(barH-2)/2, names[i], humanOps(s.ops.med))
			y += barH
		}
		y += gap
	}
	height := y + 20
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" viewBox="0 0 %d %d" font-family="sans-serif">`+"\n",
		width, height, width, height)
	fmt.Fprintf(&b, `<rect width="100%%" height="100%%" fill="white"/>`+"\n")
	fmt.Fprintf(&b, `<text x="%d" y="24" font-size="16" font-weight="bold">%s</text>`+"\n", 10, html.EscapeString(title))
	fmt.Fprintf(&b, `<text x="%d" y="44" font-size="11" fill="#555">median ops/s per case (higher is better); bars scaled to the fastest client of each case</text>`+"\n", 10)
	lx := labelW
	for i, k := range r.clients {
		fmt.Fprintf(&b, `<rect x="%d" y="%d" width="12" height="12" fill="%s"/><text x="%d" y="%d" font-size="12">%s</text>`+"\n",
			lx, top-4, svgColors[i%len(svgColors)], lx+16, top+6, html.EscapeString(k.name))
		lx += 130
	}
	b.WriteString(body.String())
	b.WriteString("</svg>\n")
	_, err := io.WriteString(w, b.String())
	return err
}

// humanOps formats an ops/s value compactly (12.3k, 1.23M).
func humanOps(v float64) string {
	switch {
	case v >= 1e6:
		return fmt.Sprintf("%.2fM", v/1e6)
	case v >= 1e3:
		return fmt.Sprintf("%.1fk", v/1e3)
	default:
		return fmt.Sprintf("%.0f", v)
	}
}
