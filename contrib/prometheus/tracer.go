package txprometheus

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/tarantool/go-iproto"

	"github.com/txtarantool/txtarantool/client"
)

// kinds are the request kinds the duration histogram has a kind label for,
// the requests a client sends; any other kind is counted as "other".
var kinds = [...]iproto.Type{
	iproto.IPROTO_SELECT, iproto.IPROTO_INSERT, iproto.IPROTO_REPLACE, iproto.IPROTO_UPDATE,
	iproto.IPROTO_DELETE, iproto.IPROTO_UPSERT, iproto.IPROTO_CALL, iproto.IPROTO_CALL_16,
	iproto.IPROTO_EVAL, iproto.IPROTO_EXECUTE, iproto.IPROTO_PREPARE, iproto.IPROTO_BEGIN,
	iproto.IPROTO_COMMIT, iproto.IPROTO_ROLLBACK, iproto.IPROTO_PING, iproto.IPROTO_ID,
	iproto.IPROTO_WATCH, iproto.IPROTO_UNWATCH, iproto.IPROTO_WATCH_ONCE,
}

// otherKind is the kind label of a request of none of kinds.
const otherKind = "other"

// KindLabel returns the kind label of a request kind in
// txtarantool_request_duration_seconds: its IPROTO name in lower case
// without the prefix ("select", "call_16", "watch_once"), or "other" for a
// kind a client does not send. It allocates the lower-case name.
func KindLabel(kind iproto.Type) string {
	for _, k := range kinds {
		if k == kind {
			return strings.ToLower(strings.TrimPrefix(k.String(), "IPROTO_"))
		}
	}
	return otherKind
}

// Tracer is a client.Tracer recording each request's duration in the
// histogram txtarantool_request_duration_seconds{kind,outcome}, and the
// prometheus.Collector of that histogram: register it, and set it as
// client.Options.Tracer of any number of clients. Cost per request: an
// array lookup and one histogram observation (atomic adds), no allocation.
type Tracer struct {
	vec *prometheus.HistogramVec
	// kindIndex maps a request kind (below len(kindIndex)) to its row of
	// observers; row 0 is "other".
	kindIndex []uint8
	observers [][client.NumOutcomes]prometheus.Observer
}

// NewTracer returns a Tracer whose histogram has the namespace, constant
// labels and buckets of opts. It fails with a *ConfigError for a name or
// label Prometheus refuses or buckets out of order. Cost: one histogram
// per kind×outcome pair (20×6), made at once.
func NewTracer(opts ...Option) (*Tracer, error) {
	cfg := newConfig(opts)
	if err := checkBuckets(cfg.buckets); err != nil {
		return nil, err
	}
	if _, ok := cfg.constLabels["le"]; ok {
		return nil, &ConfigError{Err: errors.New(`constant label "le" is the histogram's bucket label`)}
	}
	t := &Tracer{vec: prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Namespace:   cfg.namespace,
		Name:        "request_duration_seconds",
		Help:        "Duration of requests from issue to settlement, by request kind and outcome.",
		ConstLabels: cfg.constLabels,
		Buckets:     cfg.buckets,
	}, []string{"kind", "outcome"})}
	if err := validate(t); err != nil {
		return nil, err
	}
	maxKind := iproto.Type(0)
	for _, k := range kinds {
		maxKind = max(maxKind, k)
	}
	t.kindIndex = make([]uint8, maxKind+1)
	t.observers = make([][client.NumOutcomes]prometheus.Observer, 1+len(kinds))
	t.fillRow(0, otherKind)
	for i, k := range kinds {
		t.kindIndex[k] = uint8(i + 1)
		t.fillRow(i+1, KindLabel(k))
	}
	return t, nil
}

// checkBuckets returns a *ConfigError unless buckets is a non-empty list
// of increasing bounds.
func checkBuckets(buckets []float64) error {
	if len(buckets) == 0 {
		return &ConfigError{Err: errors.New("no histogram buckets")}
	}
	for i := 1; i < len(buckets); i++ {
		if !(buckets[i] > buckets[i-1]) {
			return &ConfigError{Err: fmt.Errorf("histogram buckets must be in increasing order: %v then %v", buckets[i-1], buckets[i])}
		}
	}
	return nil
}

// fillRow makes the observers of one kind label, one per outcome.
func (t *Tracer) fillRow(row int, kind string) {
	for o := range t.observers[row] {
		t.observers[row][o] = t.vec.WithLabelValues(kind, client.Outcome(o).String())
	}
}

// TraceRequestStart returns ctx: the duration is the client's own
// (TraceEnd.Duration).
func (t *Tracer) TraceRequestStart(ctx context.Context, _ *client.TraceRequest) context.Context {
	return ctx
}

// TraceRequestEnd observes end.Duration in the request's kind×outcome
// series. It does not allocate.
func (t *Tracer) TraceRequestEnd(_ context.Context, req *client.TraceRequest, end client.TraceEnd) {
	row := 0
	if req.Kind >= 0 && int(req.Kind) < len(t.kindIndex) {
		row = int(t.kindIndex[req.Kind])
	}
	outcome := end.Outcome
	if int(outcome) >= client.NumOutcomes {
		outcome = client.OutcomeInvalid
	}
	t.observers[row][outcome].Observe(end.Duration.Seconds())
}

// Describe sends the histogram's description.
func (t *Tracer) Describe(ch chan<- *prometheus.Desc) { t.vec.Describe(ch) }

// Collect sends the histogram's series, one per kind×outcome pair (those
// with no observation included).
func (t *Tracer) Collect(ch chan<- prometheus.Metric) { t.vec.Collect(ch) }
