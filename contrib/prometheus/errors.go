package txprometheus

import "errors"

// ErrNilSource is the error of NewCollector given a nil StatsSource.
var ErrNilSource = errors.New("txprometheus: nil StatsSource")

// ConfigError is the error of NewCollector or NewTracer given options that
// make invalid metrics: a namespace or label name Prometheus refuses,
// buckets out of order. Err is the reason (client_golang's error, for
// names).
type ConfigError struct {
	Err error
}

// Error returns "txprometheus: invalid options: " and the reason.
func (e *ConfigError) Error() string { return "txprometheus: invalid options: " + e.Err.Error() }

// Unwrap returns the reason.
func (e *ConfigError) Unwrap() error { return e.Err }
