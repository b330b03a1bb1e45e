package main

import (
	"regexp"
	"strings"
	"testing"

	"github.com/txtarantool/txtarantool/tarantooltest"
)

// requireTarantool skips the test when tarantool is not on PATH, or fails
// it when TARANTOOL_REQUIRED=1.
func requireTarantool(t *testing.T) {
	t.Helper()
	if _, ok := tarantooltest.Available(); !ok {
		if tarantooltest.Required() {
			t.Fatal("TARANTOOL_REQUIRED=1 but tarantool is not on PATH")
		}
		t.Skip("tarantool not found on PATH; install it with `apt-get install tarantool` or run `make test`")
	}
}

// eventLine matches one printed line: time, label, message.
var eventLine = regexp.MustCompile(`^ *\d+\.\d\ds  (\S+) +(.*)$`)

// event is one parsed output line.
type event struct{ label, msg string }

// parseEvents splits the demo's output into events, failing on any line
// that is not in the printer's format.
func parseEvents(t *testing.T, out string) []event {
	t.Helper()
	var events []event
	for _, line := range strings.Split(strings.TrimRight(out, "\n"), "\n") {
		m := eventLine.FindStringSubmatch(line)
		if m == nil {
			t.Fatalf("line not in the event format: %q", line)
		}
		if len(line) <= 22 || line[21] != ' ' || line[22] == ' ' {
			// The message column starts at byte 22 for every label.
			t.Fatalf("line not aligned: %q", line)
		}
		events = append(events, event{m[1], m[2]})
	}
	return events
}

// find returns the index of the first event at or after from with that
// label whose message starts with prefix, or -1.
func find(events []event, from int, label, prefix string) int {
	for i := max(from, 0); i < len(events); i++ {
		if events[i].label == label && strings.HasPrefix(events[i].msg, prefix) {
			return i
		}
	}
	return -1
}
