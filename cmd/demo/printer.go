package main

import (
	"fmt"
	"io"
	"sync"
	"time"
)

// labelWidth is the width of the event column; "disconnected" is the
// longest label.
const labelWidth = 12

// printer writes one line per event, from any goroutine: the time since
// the demo started (right-aligned in 7 columns), a label column and a
// message, e.g.
//
//	4.02s  disconnected EOF
//
// Lines never interleave; the time is read under the lock, so it never
// goes backwards from one line to the next.
type printer struct {
	mu    sync.Mutex
	w     io.Writer
	start time.Time
}

// newPrinter returns a printer writing to w whose clock starts now.
func newPrinter(w io.Writer) *printer {
	return &printer{w: w, start: time.Now()}
}

// event prints one line: label in its column, then the formatted message.
func (p *printer) event(label, format string, args ...any) {
	msg := fmt.Sprintf(format, args...)
	p.mu.Lock()
	defer p.mu.Unlock()
	fmt.Fprintf(p.w, "%6.2fs  %-*s %s\n", time.Since(p.start).Seconds(), labelWidth, label, msg)
}

// short rounds a duration for display: microseconds below 10 ms, tenths of
// a millisecond below 1 s, milliseconds above.
func short(d time.Duration) time.Duration {
	switch {
	case d < 10*time.Millisecond:
		return d.Round(time.Microsecond)
	case d < time.Second:
		return d.Round(100 * time.Microsecond)
	default:
		return d.Round(time.Millisecond)
	}
}
