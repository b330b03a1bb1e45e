package main

import (
	"cmp"
	"fmt"
	"html"
	"io"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
)

// writeCharts writes the bar chart of every case to cfg.out and, when
// their cases ran, the growth charts next to it: <out>-depth.svg (select,
// pipelined, by in-flight depth) and <out>-size.svg (pipelined select of
// one tuple, by tuple size).
func (r *results) writeCharts(cfg config, stdout io.Writer) error {
	title := fmt.Sprintf("txtarantool vs go-tarantool/v3 vs FZambia/tarantool vs raw (%d x %v)", cfg.runs, cfg.duration)
	if err := writeFile(cfg.out, func(w io.Writer) error { return r.writeSVG(w, title) }); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "\nwrote %s\n", cfg.out)
	base := strings.TrimSuffix(cfg.out, filepath.Ext(cfg.out))
	var depth, size []benchCase
	for _, c := range r.cases {
		switch {
		case c.w == wSelect && c.m == pipelined && c.topo == one && (c.g == gDepth || c.g == gMain):
			depth = append(depth, c)
		case c.g == gSize:
			size = append(size, c)
		}
	}
	slices.SortFunc(depth, func(a, b benchCase) int { return cmp.Compare(a.conc, b.conc) })
	for _, ch := range []struct {
		suffix, title, x string
		cases            []benchCase
		label            func(benchCase) string
	}{
		{"-depth.svg", "Cost growth with in-flight depth: select one tuple, pipelined", "requests in flight",
			depth, func(c benchCase) string { return fmt.Sprint(c.conc) }},
		{"-size.svg", fmt.Sprintf("Cost growth with tuple size: select one tuple, pipelined, %d in flight", sizeWindow), "tuple size",
			size, func(c benchCase) string { return sizeName(c.size) }},
	} {
		if len(ch.cases) < 2 {
			continue
		}
		path := base + ch.suffix
		err := writeFile(path, func(w io.Writer) error { return r.writeGrowthSVG(w, ch.title, ch.x, ch.cases, ch.label) })
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "wrote %s\n", path)
	}
	return nil
}

func writeFile(path string, write func(io.Writer) error) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if err := write(f); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// writeGrowthSVG draws two line panels over the cases (the x axis, equally
// spaced): median ops/s and median client CPU µs per op, one line per
// client, both on log scales.
func (r *results) writeGrowthSVG(w io.Writer, title, xTitle string, cases []benchCase, label func(benchCase) string) error {
	const (
		width  = 960
		panelW = 420
		panelH = 300
		left   = 70
		top    = 80
	)
	var b strings.Builder
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" viewBox="0 0 %d %d" font-family="sans-serif">`+"\n",
		width, top+panelH+70, width, top+panelH+70)
	b.WriteString(`<rect width="100%" height="100%" fill="white"/>` + "\n")
	fmt.Fprintf(&b, `<text x="10" y="24" font-size="16" font-weight="bold">%s</text>`+"\n", html.EscapeString(title))
	fmt.Fprintf(&b, `<text x="10" y="44" font-size="11" fill="#555">medians over the runs; log scales; x: %s</text>`+"\n", html.EscapeString(xTitle))
	lx := left
	for i, k := range r.clients {
		fmt.Fprintf(&b, `<rect x="%d" y="54" width="12" height="12" fill="%s"/><text x="%d" y="64" font-size="12">%s</text>`+"\n",
			lx, svgColors[i%len(svgColors)], lx+16, html.EscapeString(k.name))
		lx += 130
	}
	for p, panel := range []struct {
		name string
		f    func(summary) float64
	}{
		{"ops/s (higher is better)", func(s summary) float64 { return s.ops.med }},
		{"client CPU µs per op (lower is better)", func(s summary) float64 { return s.cpu.med }},
	} {
		x0 := left + p*(panelW+left)
		lo, hi := math.Inf(1), math.Inf(-1)
		for _, c := range cases {
			for _, k := range r.clients {
				if s, ok := r.summary(c, k.name); ok && panel.f(s) > 0 {
					lo, hi = math.Min(lo, panel.f(s)), math.Max(hi, panel.f(s))
				}
			}
		}
		if math.IsInf(lo, 0) {
			continue
		}
		lo, hi = math.Pow(10, math.Floor(math.Log10(lo))), math.Pow(10, math.Ceil(math.Log10(hi)))
		if hi <= lo {
			hi = lo * 10
		}
		yOf := func(v float64) float64 {
			return float64(top+panelH) - (math.Log10(v)-math.Log10(lo))/(math.Log10(hi)-math.Log10(lo))*panelH
		}
		xOf := func(i int) float64 {
			return float64(x0) + (float64(i)+0.5)*float64(panelW)/float64(len(cases))
		}
		fmt.Fprintf(&b, `<text x="%d" y="%d" font-size="12" font-weight="bold">%s</text>`+"\n", x0, top-6, html.EscapeString(panel.name))
		fmt.Fprintf(&b, `<rect x="%d" y="%d" width="%d" height="%d" fill="none" stroke="#999"/>`+"\n", x0, top, panelW, panelH)
		for v := lo; v <= hi*1.0001; v *= 10 {
			y := yOf(v)
			fmt.Fprintf(&b, `<line x1="%d" y1="%.1f" x2="%d" y2="%.1f" stroke="#ddd"/><text x="%d" y="%.1f" font-size="10" text-anchor="end" dominant-baseline="middle">%s</text>`+"\n",
				x0, y, x0+panelW, y, x0-4, y, axisLabel(v))
		}
		for i, c := range cases {
			fmt.Fprintf(&b, `<text x="%.1f" y="%d" font-size="11" text-anchor="middle">%s</text>`+"\n", xOf(i), top+panelH+16, html.EscapeString(label(c)))
		}
		for ki, k := range r.clients {
			var pts []string
			for i, c := range cases {
				s, ok := r.summary(c, k.name)
				if !ok || panel.f(s) <= 0 {
					continue
				}
				x, y := xOf(i), yOf(panel.f(s))
				pts = append(pts, fmt.Sprintf("%.1f,%.1f", x, y))
				fmt.Fprintf(&b, `<circle cx="%.1f" cy="%.1f" r="3" fill="%s"><title>%s %s: %.3g</title></circle>`+"\n",
					x, y, svgColors[ki%len(svgColors)], k.name, html.EscapeString(c.String()), panel.f(s))
			}
			if len(pts) > 1 {
				fmt.Fprintf(&b, `<polyline points="%s" fill="none" stroke="%s" stroke-width="2"/>`+"\n", strings.Join(pts, " "), svgColors[ki%len(svgColors)])
			}
		}
	}
	b.WriteString("</svg>\n")
	_, err := io.WriteString(w, b.String())
	return err
}

// axisLabel formats a log-axis value: 1.2M, 10k, 100, 0.1.
func axisLabel(v float64) string {
	if v >= 1000 {
		return humanOps(v)
	}
	return strconv.FormatFloat(v, 'g', 3, 64)
}
