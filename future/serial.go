package future

import (
	"fmt"
	"runtime/debug"
	"sync"
)

// Serial is an [Executor] with one goroutine that runs functions one at a
// time, in the order they were submitted (FIFO): Twisted's reactor guarantee
// that two callbacks never run at once, so callbacks on a Serial may share
// state without locks. Its queue is unbounded, so Execute never blocks the
// settling goroutine (the client's network reader must never wait on user
// code); the price is that a callback which never returns stalls all later
// ones, and a producer faster than the callbacks grows the queue.
//
// Create it with [NewSerial] and stop it with [Serial.Close]. Its methods are
// safe for concurrent use.
type Serial struct {
	mu      sync.Mutex
	queue   []func() // waiting functions, FIFO
	spare   []func() // the drained batch, reused as the next queue
	closed  bool
	wake    chan struct{} // 1-buffered: "the queue may be non-empty"
	exited  chan struct{}
	onPanic func(value any, stack []byte)

	onUnobserved func(error) // see ReportUnobserved; read-only after NewSerial
}

// SerialOption configures a [Serial] in [NewSerial]; see [OnPanic] and
// [ReportUnobserved].
type SerialOption func(*Serial)

// OnPanic sets the function that receives the value and stack of a panic
// raised by a function run on the Serial (not by a future callback: those
// already become *PanicError results). The Serial goroutine survives the
// panic and goes on with the next function. fn runs on the Serial goroutine.
// Cost: one closure, once, plus the stack capture when a panic happens.
func OnPanic(fn func(value any, stack []byte)) SerialOption {
	return func(s *Serial) { s.onPanic = fn }
}

// NewSerial starts a Serial executor and its goroutine. By default a panic in
// a function passed to Execute is never lost: it is re-raised, with the
// original stack in the message, in a fresh goroutine, so it crashes the
// program loudly like any unrecovered panic (the Serial goroutine itself
// survives until then). Pass [OnPanic] to handle such panics instead, and
// [ReportUnobserved] to be told about rejected futures nobody observed.
// Cost: one goroutine and a few allocations, once.
func NewSerial(opts ...SerialOption) *Serial {
	s := &Serial{
		wake:   make(chan struct{}, 1),
		exited: make(chan struct{}),
	}
	for _, o := range opts {
		o(s)
	}
	go s.loop()
	return s
}

// Execute queues fn to run on the Serial goroutine after everything queued
// before it. It never blocks on the queue (only briefly on a mutex). After
// Close, fn runs at once in the calling goroutine instead of being lost; it
// may then overlap with functions still draining from the queue.
// Cost: no allocation in steady state (the queue's slices are reused; they
// grow only when more functions are waiting than ever before).
func (s *Serial) Execute(fn func()) {
	if !s.enqueue(fn) {
		fn()
	}
}

// post is Execute for callers that must never block or run user code, such
// as the runtime's cleanup goroutine: after Close, fn runs in a goroutine of
// its own (panics still go to OnPanic) instead of in the caller.
func (s *Serial) post(fn func()) {
	if !s.enqueue(fn) {
		go s.run(fn)
	}
}

// enqueue queues fn and wakes the loop if needed; it reports false, queuing
// nothing, once the Serial is closed.
func (s *Serial) enqueue(fn func()) bool {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return false
	}
	wasEmpty := len(s.queue) == 0
	s.queue = append(s.queue, fn)
	s.mu.Unlock()
	if wasEmpty {
		s.signal()
	}
	return true
}

// Close stops accepting work: functions already queued still run, in order,
// then the goroutine exits and [Serial.Done] is closed. Later Execute calls
// run their function inline. Close does not wait (so it is safe to call from
// a function running on the Serial); use <-s.Done() to wait. Closing twice is
// harmless. Cost: none.
func (s *Serial) Close() {
	s.mu.Lock()
	s.closed = true
	s.mu.Unlock()
	s.signal()
}

// Done returns a channel closed when the Serial goroutine has exited, after
// Close and after every queued function has run. Cost: none.
func (s *Serial) Done() <-chan struct{} { return s.exited }

func (s *Serial) signal() {
	select {
	case s.wake <- struct{}{}:
	default:
	}
}

func (s *Serial) loop() {
	defer close(s.exited)
	for {
		s.mu.Lock()
		for len(s.queue) == 0 {
			if s.closed {
				s.mu.Unlock()
				return
			}
			s.mu.Unlock()
			<-s.wake
			s.mu.Lock()
		}
		batch := s.queue
		s.queue, s.spare = s.spare[:0], nil
		s.mu.Unlock()

		for i, fn := range batch {
			batch[i] = nil // let the closure go as soon as it has run
			s.run(fn)
		}

		s.mu.Lock()
		if cap(batch) <= maxSpare {
			s.spare = batch[:0]
		}
		s.mu.Unlock()
	}
}

// maxSpare bounds the capacity of a batch kept for reuse, so a one-off burst
// does not pin a huge slice for the life of the Serial.
const maxSpare = 1 << 12

func (s *Serial) run(fn func()) {
	defer func() {
		if r := recover(); r != nil {
			stack := debug.Stack()
			if s.onPanic != nil {
				s.onPanic(r, stack)
				return
			}
			go panic(fmt.Sprintf("future.Serial: function panicked: %v\n\noriginal stack:\n%s", r, stack))
		}
	}()
	fn()
}
