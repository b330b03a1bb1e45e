package future

import (
	"runtime"
	"sync/atomic"
)

// An unobserved error is the error of a rejected future that nobody looked
// at: no callback was registered on it and nobody called Await, Done or Peek
// on it before it was garbage collected (Twisted logs "Unhandled error in
// Deferred" in that case). Reporting is per executor: only futures whose
// Executor is a [Serial] created with [ReportUnobserved] are tracked. With no
// such Serial a rejection costs one nil check (no Executor) or one type
// assertion and one nil check (an Executor), and an observation one nil check.

// ReportUnobserved makes the Serial report unobserved errors: fn receives the
// error of each rejected future whose Executor is this Serial (created with
// [NewOn] on it, derived from such a future, or re-homed with
// [Future.WithExecutor]) and that is garbage collected without having been
// observed: no callback registered (Then, Catch, Finally, Map, Chain, a
// combinator, WithExecutor, Timeout) and no Await, Done or Peek. Futures
// rejected by Cancel are not reported (cancelling is a way of observing).
// Futures without an Executor, or on [Inline] or any other Executor, are never
// tracked; a type that embeds *Serial reports to that Serial's fn.
//
// fn runs on the Serial goroutine, like any function passed to Execute (so it
// may share state with the Serial's callbacks, and a panic in it is handled
// like any panic on the Serial: see [OnPanic] and [NewSerial]), some time after the future became unreachable; the runtime's
// cleanup goroutine only queues it. After [Serial.Close] it runs in a
// goroutine of its own instead. A nil fn turns reporting off, the default.
// Cost: one small allocation and a runtime cleanup per rejection that has no
// listener when it happens, plus one closure per report; none without fn.
func ReportUnobserved(fn func(error)) SerialOption {
	return func(s *Serial) { s.onUnobserved = fn }
}

// unobservedReporter is implemented by *Serial (and so by any type embedding
// one): the Serial that reports unobserved errors for futures carrying it.
type unobservedReporter interface {
	unobservedSerial() *Serial
}

func (s *Serial) unobservedSerial() *Serial { return s }

type observation struct {
	seen   atomic.Bool
	err    error
	serial *Serial // reports err; its onUnobserved is set
}

// trackUnobserved arranges for err to be reported when f is collected, if
// f's Executor is a Serial with a ReportUnobserved handler and f is not
// observed first.
func trackUnobserved[T any](f *Future[T], err error) *observation {
	if f.ex == nil {
		return nil
	}
	r, ok := f.ex.(unobservedReporter)
	if !ok {
		return nil
	}
	s := r.unobservedSerial()
	if s == nil || s.onUnobserved == nil {
		return nil
	}
	o := &observation{err: err, serial: s}
	runtime.AddCleanup(f, reportUnobserved, o)
	return o
}

// reportUnobserved runs on the runtime's cleanup goroutine: it only hands the
// report to the Serial, which never blocks.
func reportUnobserved(o *observation) {
	if o.seen.Load() {
		return
	}
	s, err := o.serial, o.err
	s.post(func() { s.onUnobserved(err) })
}

// observe marks a settled future's outcome as looked at.
func (f *Future[T]) observe() {
	if o := f.obs; o != nil && !o.seen.Load() {
		o.seen.Store(true)
	}
}
