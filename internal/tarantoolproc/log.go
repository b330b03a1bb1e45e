package tarantoolproc

import (
	"os"
	"strings"
)

// logTailLines is how many log lines failure reports include.
const logTailLines = 60

// Log returns the content of the server's log file: what tarantool logged
// plus anything the process wrote to stdout or stderr, across restarts. It
// reads the whole file; after Stop it returns "".
func (i *Instance) Log() string {
	b, err := os.ReadFile(i.logPath)
	if err != nil {
		return ""
	}
	return string(b)
}

// LogTail returns the last 60 lines of the log, what failure reports
// include. It reads the whole file.
func (i *Instance) LogTail() string {
	return tail(i.Log(), logTailLines)
}

// tail returns the last n lines of s.
func tail(s string, n int) string {
	s = strings.TrimRight(s, "\n")
	idx := len(s)
	for k := 0; k < n; k++ {
		j := strings.LastIndexByte(s[:idx], '\n')
		if j < 0 {
			return s
		}
		idx = j
	}
	return s[idx+1:]
}
