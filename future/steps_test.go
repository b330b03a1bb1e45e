package future_test

import (
	"errors"
	"fmt"
	"strconv"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/txtarantool/txtarantool/future"
)

func TestThenReturnsNewFutureAndLeavesSourceAlone(t *testing.T) {
	f, p := future.New[int]()
	g := f.Then(func(v int) (int, error) { return v * 10, nil })
	require.NotSame(t, f, g)
	p.Resolve(2)
	v, err := await(t, f)
	require.NoError(t, err)
	require.Equal(t, 2, v, "the source keeps its own value")
	v, err = await(t, g)
	require.NoError(t, err)
	require.Equal(t, 20, v)
}

func TestCallbacksRunOnceInRegistrationOrder(t *testing.T) {
	f, p := future.New[int]()
	var order []int
	counts := make([]int, 5)
	for i := range 5 {
		f.Finally(func(v int, err error) (int, error) {
			order = append(order, i)
			counts[i]++
			return v, err
		})
	}
	require.Empty(t, order, "nothing runs before settlement")
	p.Resolve(1)
	p.Resolve(2)
	require.Equal(t, []int{0, 1, 2, 3, 4}, order)
	require.Equal(t, []int{1, 1, 1, 1, 1}, counts)
}

func TestChainedStepsRunDepthFirst(t *testing.T) {
	// Like Twisted's recursive runCallbacks: a branch's whole pending chain
	// completes before the next sibling callback of the source runs.
	f, p := future.New[int]()
	var order []string
	step := func(name string) func(int) (int, error) {
		return func(v int) (int, error) { order = append(order, name); return v, nil }
	}
	a := f.Then(step("a"))
	a.Then(step("a2")).Then(step("a3"))
	f.Then(step("b"))
	p.Resolve(0)
	require.Equal(t, []string{"a", "a2", "a3", "b"}, order)
}

func TestCallbackRunsInSettlingGoroutine(t *testing.T) {
	f, p := future.New[int]()
	ran := false // unsynchronized on purpose: the race detector checks the claim
	f.Then(func(v int) (int, error) { ran = true; return v, nil })
	require.False(t, ran)
	p.Resolve(1)
	require.True(t, ran, "callback ran synchronously inside Resolve")
}

func TestCallbackAddedAfterSettlementRunsAtOnce(t *testing.T) {
	f := future.Resolved(1)
	ran := false
	g := f.Then(func(v int) (int, error) { ran = true; return v + 1, nil })
	require.True(t, ran)
	v, err, ok := g.Peek()
	require.True(t, ok)
	require.NoError(t, err)
	require.Equal(t, 2, v)

	ranCatch := false
	future.Rejected[int](errBoom).Catch(func(err error) (int, error) { ranCatch = true; return 0, nil })
	require.True(t, ranCatch)
}

func TestValueFlowsAndErrorSkipsThenUntilCatch(t *testing.T) {
	f, p := future.New[int]()
	var skipped bool
	var caught error
	g := f.
		Then(inc).
		Then(func(int) (int, error) { return 0, errBoom }).
		Then(func(v int) (int, error) { skipped = true; return v, nil }).
		Catch(func(err error) (int, error) { caught = err; return 100, nil }).
		Then(inc)
	p.Resolve(1)
	v, err := await(t, g)
	require.NoError(t, err, "a Catch returning nil recovers")
	require.Equal(t, 101, v)
	require.False(t, skipped)
	require.ErrorIs(t, caught, errBoom)
}

func TestCatchIsSkippedOnSuccess(t *testing.T) {
	ran := false
	g := future.Resolved(5).Catch(func(error) (int, error) { ran = true; return 0, nil })
	v, err := await(t, g)
	require.NoError(t, err)
	require.Equal(t, 5, v)
	require.False(t, ran)
}

func TestCatchCanReplaceOrKeepTheError(t *testing.T) {
	f, p := future.New[int]()
	replaced := f.Catch(func(err error) (int, error) { return 0, fmt.Errorf("wrapped: %w", err) })
	kept := f.Catch(func(err error) (int, error) { return 0, err })
	p.Reject(errBoom)
	_, err := await(t, replaced)
	require.ErrorIs(t, err, errBoom)
	require.Contains(t, err.Error(), "wrapped")
	_, err = await(t, kept)
	require.ErrorIs(t, err, errBoom)
}

func TestFinallySeesBothOutcomes(t *testing.T) {
	ok, okP := future.New[int]()
	bad, badP := future.New[int]()
	var seen []string
	record := func(v int, err error) (int, error) {
		seen = append(seen, fmt.Sprint(v, err))
		return v, err
	}
	g1 := ok.Finally(record)
	g2 := bad.Finally(record).Finally(func(int, error) (int, error) { return 9, nil })
	okP.Resolve(1)
	badP.Reject(errBoom)
	require.Equal(t, []string{"1 <nil>", "0 boom"}, seen)
	v, err := await(t, g1)
	require.NoError(t, err)
	require.Equal(t, 1, v)
	v, err = await(t, g2)
	require.NoError(t, err, "Finally returning nil recovers")
	require.Equal(t, 9, v)
}

func TestErrorInCallbackGoesToNextCatch(t *testing.T) {
	g := future.Resolved(1).
		Then(func(int) (int, error) { return 0, errBoom }).
		Catch(func(err error) (int, error) { return 0, fmt.Errorf("handled %w", err) })
	_, err := await(t, g)
	require.ErrorIs(t, err, errBoom)
}

func TestPanicInCallbackBecomesStepError(t *testing.T) {
	for name, build := range map[string]func(*future.Future[int]) *future.Future[int]{
		"Then": func(f *future.Future[int]) *future.Future[int] {
			return f.Then(func(int) (int, error) { panic("in then") })
		},
		"Catch": func(f *future.Future[int]) *future.Future[int] {
			return f.Then(func(int) (int, error) { return 0, errBoom }).
				Catch(func(error) (int, error) { panic("in catch") })
		},
		"Finally": func(f *future.Future[int]) *future.Future[int] {
			return f.Finally(func(int, error) (int, error) { panic("in finally") })
		},
		"Map": func(f *future.Future[int]) *future.Future[int] {
			return future.Map(f, func(int) (int, error) { panic("in map") })
		},
		"Chain": func(f *future.Future[int]) *future.Future[int] {
			return future.Chain(f, func(int) *future.Future[int] { panic("in chain") })
		},
	} {
		t.Run(name, func(t *testing.T) {
			for _, settledFirst := range []bool{false, true} {
				f, p := future.New[int]()
				if settledFirst {
					p.Resolve(1)
				}
				g := build(f)
				require.NotPanics(t, func() { p.Resolve(1) })
				_, err := await(t, g)
				var pe *future.PanicError
				require.ErrorAs(t, err, &pe)
				require.Contains(t, fmt.Sprint(pe.Value), "in ")
				require.NotEmpty(t, pe.Stack)

				// The chain goes on after the panic.
				h := g.Catch(func(error) (int, error) { return 7, nil })
				v, err := await(t, h)
				require.NoError(t, err)
				require.Equal(t, 7, v)
			}
		})
	}
}

func TestMapChangesType(t *testing.T) {
	f, p := future.New[int]()
	g := future.Map(f, func(v int) (string, error) { return strconv.Itoa(v), nil })
	h := future.Map(g, func(s string) ([]byte, error) { return []byte(s + "!"), nil })
	p.Resolve(42)
	v, err := await(t, h)
	require.NoError(t, err)
	require.Equal(t, []byte("42!"), v)

	bad := future.Map(future.Rejected[int](errBoom), func(int) (string, error) {
		t.Error("must not run")
		return "", nil
	})
	_, err = await(t, bad)
	require.ErrorIs(t, err, errBoom)
}

func TestChainWaitsForInnerFuture(t *testing.T) {
	f, p := future.New[int]()
	inner, innerP := future.New[string]()
	g := future.Chain(f, func(v int) *future.Future[string] {
		require.Equal(t, 1, v)
		return inner
	})
	after := future.Map(g, func(s string) (int, error) { return len(s), nil })
	p.Resolve(1)
	mustPending(t, g)
	mustPending(t, after)
	innerP.Resolve("hello")
	v, err := await(t, after)
	require.NoError(t, err)
	require.Equal(t, 5, v)
}

func TestChainInnerSettlesLaterFromAnotherGoroutine(t *testing.T) {
	g := future.Chain(future.Resolved(2), func(v int) *future.Future[int] {
		return future.Go(func() (int, error) { return v * v, nil })
	})
	v, err := await(t, g)
	require.NoError(t, err)
	require.Equal(t, 4, v)
}

func TestChainInnerAlreadySettled(t *testing.T) {
	g := future.Chain(future.Resolved(2), func(v int) *future.Future[string] {
		return future.Resolved(strconv.Itoa(v))
	})
	v, err, ok := g.Peek()
	require.True(t, ok, "an already settled inner future settles the chain at once")
	require.NoError(t, err)
	require.Equal(t, "2", v)
}

func TestChainInnerFailure(t *testing.T) {
	g := future.Chain(future.Resolved(1), func(int) *future.Future[int] {
		return future.Rejected[int](errBoom)
	}).Catch(func(err error) (int, error) {
		require.ErrorIs(t, err, errBoom)
		return -1, nil
	})
	v, err := await(t, g)
	require.NoError(t, err)
	require.Equal(t, -1, v)
}

func TestChainSkipsOnSourceError(t *testing.T) {
	g := future.Chain(future.Rejected[int](errBoom), func(int) *future.Future[int] {
		t.Error("must not run")
		return nil
	})
	_, err := await(t, g)
	require.ErrorIs(t, err, errBoom)
}

func TestChainNilFutureIsAnError(t *testing.T) {
	f, p := future.New[int]()
	g := future.Chain(f, func(int) *future.Future[int] { return nil })
	require.NotPanics(t, func() { p.Resolve(1) })
	_, err := await(t, g)
	require.ErrorIs(t, err, future.ErrNilFuture)
}

func TestChainReturningItsOwnFutureIsAnError(t *testing.T) {
	f, p := future.New[int]()
	var g *future.Future[int]
	g = future.Chain(f, func(int) *future.Future[int] { return g })
	p.Resolve(1)
	_, err := await(t, g)
	require.Error(t, err)
}

func TestNestedChains(t *testing.T) {
	// A callback returns a future whose own chain returns another future,
	// all settling later (Twisted's nested Deferreds).
	a, aP := future.New[int]()
	b, bP := future.New[int]()
	c, cP := future.New[int]()
	g := future.Chain(a, func(x int) *future.Future[int] {
		return future.Chain(b, func(y int) *future.Future[int] {
			return c.Then(func(z int) (int, error) { return x + y + z, nil })
		})
	})
	aP.Resolve(1)
	bP.Resolve(10)
	mustPending(t, g)
	cP.Resolve(100)
	v, err := await(t, g)
	require.NoError(t, err)
	require.Equal(t, 111, v)
}

func TestManyBranchesFromOneFuture(t *testing.T) {
	f, p := future.New[int]()
	branches := make([]*future.Future[int], 100)
	for i := range branches {
		branches[i] = f.Then(func(v int) (int, error) { return v + i, nil })
	}
	p.Resolve(1000)
	for i, b := range branches {
		v, err := await(t, b)
		require.NoError(t, err)
		require.Equal(t, 1000+i, v)
	}
}

func TestCatchRecoveryDoesNotAffectOtherBranch(t *testing.T) {
	f := future.Rejected[int](errBoom)
	recovered := f.Catch(func(error) (int, error) { return 1, nil })
	_, err := await(t, f.Then(inc))
	require.True(t, errors.Is(err, errBoom), "recovery in one branch leaves the other failed")
	v, err := await(t, recovered)
	require.NoError(t, err)
	require.Equal(t, 1, v)
}
