package reconnect

import "time"

// Never returns a [Policy] that never reconnects: Next always reports
// ok == false with a zero delay. It does not allocate and is safe for
// concurrent use.
func Never() Policy { return never{} }

type never struct{}

func (never) Next(int) (time.Duration, bool) { return 0, false }
