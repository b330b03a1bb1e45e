package future

import (
	"runtime"
	"sync/atomic"
)

// An unobserved error is the error of a rejected future that nobody looked
// at: no callback was registered on it and nobody called Await, Done or Peek
// on it before it was garbage collected (Twisted logs "Unhandled error in
// Deferred" in that case). Reporting is off by default and then costs one
// atomic load per rejection and one nil check per observation.

var unobservedHandler atomic.Pointer[func(error)]

// SetUnobservedErrorHandler installs fn to be called with the error of each
// rejected future that is garbage collected without having been observed (no
// callback, Await, Done or Peek); nil turns reporting off, the default. It
// returns the previous handler. fn runs on a runtime cleanup goroutine, some
// time after the future became unreachable, and should not block. Futures
// rejected by Cancel are not reported (cancelling is a way of observing);
// only futures rejected while the handler is set are tracked. The handler is
// process-wide. Cost when set: one small allocation and a runtime cleanup per
// unobserved rejection; when unset, none.
func SetUnobservedErrorHandler(fn func(error)) (previous func(error)) {
	var p *func(error)
	if fn != nil {
		p = &fn
	}
	if old := unobservedHandler.Swap(p); old != nil {
		return *old
	}
	return nil
}

type observation struct {
	seen   atomic.Bool
	err    error
	report func(error)
}

// trackUnobserved arranges for err to be reported when f is collected, if a
// handler is set and f is not observed first.
func trackUnobserved[T any](f *Future[T], err error) *observation {
	h := unobservedHandler.Load()
	if h == nil {
		return nil
	}
	o := &observation{err: err, report: *h}
	runtime.AddCleanup(f, reportUnobserved, o)
	return o
}

func reportUnobserved(o *observation) {
	if !o.seen.Load() {
		o.report(o.err)
	}
}

// observe marks a settled future's outcome as looked at.
func (f *Future[T]) observe() {
	if o := f.obs; o != nil && !o.seen.Load() {
		o.seen.Store(true)
	}
}
