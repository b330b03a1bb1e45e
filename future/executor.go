package future

// Executor runs the callbacks of futures that carry it (see [NewOn] and
// [Future.WithExecutor]) instead of the goroutine that settles them. When such
// a future settles, its callbacks are handed to Execute as one function, in
// registration order; futures derived from it carry the same Executor.
//
// Execute must not block for long: it is called by whatever goroutine settles
// the future, typically the client's network reader. It must eventually run
// fn exactly once. An Execute that runs fn synchronously works but gives up
// the constant stack depth of long chains (each step then nests inside the
// previous one); use [Inline] for that behaviour, which is special-cased.
// Handing callbacks to an Executor costs one closure allocation per settled
// future that has callbacks.
type Executor interface {
	// Execute arranges for fn, the settled future's callbacks, to run
	// exactly once, without blocking the caller for long.
	Execute(fn func())
}

// Inline is the Executor that runs callbacks at once in the settling
// goroutine: the default behaviour of a future without an Executor. Passing
// Inline to NewOn or WithExecutor is the same as passing nil (and keeps the
// trampoline, so long chains still use constant stack). Cost: none.
var Inline Executor = inlineExecutor{}

type inlineExecutor struct{}

// Execute runs fn at once.
func (inlineExecutor) Execute(fn func()) { fn() }

// normalize maps nil and Inline to nil, the built-in inline path.
func normalize(ex Executor) Executor {
	if _, ok := ex.(inlineExecutor); ok {
		return nil
	}
	return ex
}
