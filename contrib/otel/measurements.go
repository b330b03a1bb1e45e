package txotel

import (
	"sync"

	"github.com/tarantool/go-iproto"
	"go.opentelemetry.io/otel/metric"

	"github.com/txtarantool/txtarantool/client"
)

// maxSeries bounds the attribute sets a tracer keeps made: past it, a new
// set is made on each measurement rather than kept.
const maxSeries = 4096

// seriesKey is what tells one series of the duration histogram from
// another.
type seriesKey struct {
	kind                  iproto.Type
	space, function, addr string
	spaceID               uint32
	outcome               client.Outcome
	code                  iproto.Error
}

// measurements keeps the attribute set of each series of the duration
// histogram, made once: building a set (sorting, deduplicating) costs
// more than the measurement itself.
type measurements struct {
	mu   sync.RWMutex
	opts map[seriesKey]metric.RecordOption
}

// lookup returns the record option of key's series, calling build to make
// its attribute list the first time (for up to maxSeries series). A known
// series costs a map lookup under a read lock and no allocation.
func (m *measurements) lookup(key seriesKey, build func() metric.RecordOption) metric.RecordOption {
	m.mu.RLock()
	opt, ok := m.opts[key]
	m.mu.RUnlock()
	if ok {
		return opt
	}
	opt = build()
	m.mu.Lock()
	if m.opts == nil {
		m.opts = make(map[seriesKey]metric.RecordOption)
	}
	if len(m.opts) < maxSeries {
		m.opts[key] = opt
	}
	m.mu.Unlock()
	return opt
}
