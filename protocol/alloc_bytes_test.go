package protocol

import (
	"runtime"
	"testing"

	"github.com/stretchr/testify/require"
)

// requireAllocatesLittle runs f and fails unless it allocated less than
// 1 MiB in total (runtime.MemStats.TotalAlloc): how the tests show that a
// hostile declared length sized nothing.
func requireAllocatesLittle(t *testing.T, f func(), msgAndArgs ...any) {
	t.Helper()
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	f()
	runtime.ReadMemStats(&after)
	require.Less(t, after.TotalAlloc-before.TotalAlloc, uint64(1<<20), msgAndArgs...)
}
