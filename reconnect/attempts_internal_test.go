package reconnect

import (
	"math"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

func TestAttemptsSaturatesAtMaxInt(t *testing.T) {
	var asked []int
	a := Attempts{
		Policy: PolicyFunc(func(attempt int) (time.Duration, bool) {
			asked = append(asked, attempt)
			return 0, true
		}),
		n: math.MaxInt - 1,
	}
	a.Next()
	a.Next()
	a.Next()
	require.Equal(t, []int{math.MaxInt, math.MaxInt, math.MaxInt}, asked, "the count saturates instead of wrapping")
	require.Equal(t, math.MaxInt, a.Failures())
	a.Reset()
	require.Zero(t, a.Failures())
}
