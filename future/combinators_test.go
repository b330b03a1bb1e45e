package future_test

import (
	"errors"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/txtarantool/txtarantool/future"
)

func TestAllKeepsInputOrder(t *testing.T) {
	fs := make([]*future.Future[int], 3)
	ps := make([]*future.Promise[int], 3)
	for i := range fs {
		fs[i], ps[i] = future.New[int]()
	}
	all := future.All(fs...)
	ps[2].Resolve(2)
	ps[0].Resolve(0)
	mustPending(t, all)
	ps[1].Resolve(1)
	v, err := await(t, all)
	require.NoError(t, err)
	require.Equal(t, []int{0, 1, 2}, v)
}

func TestAllWithAlreadySettledInputs(t *testing.T) {
	v, err := await(t, future.All(future.Resolved(1), future.Resolved(2)))
	require.NoError(t, err)
	require.Equal(t, []int{1, 2}, v)
}

func TestAllEmpty(t *testing.T) {
	v, err, ok := future.All[int]().Peek()
	require.True(t, ok)
	require.NoError(t, err)
	require.NotNil(t, v)
	require.Empty(t, v)
}

func TestAllFailsFastWithFirstErrorAndDoesNotCancelOthers(t *testing.T) {
	a, aP := future.New[int]()
	b, bP := future.New[int]()
	c, cP := future.New[int]()
	cancelled := false
	cP.OnCancel(func() { cancelled = true })
	all := future.All(a, b, c)
	bP.Reject(errBoom)
	_, err := await(t, all)
	var fe *future.FirstError
	require.ErrorAs(t, err, &fe)
	require.Equal(t, 1, fe.Index)
	require.ErrorIs(t, err, errBoom)
	require.False(t, cancelled, "gatherResults does not cancel the other inputs")
	mustPending(t, c)
	aP.Resolve(1) // late results are ignored
	cP.Reject(errOther)
	_, err = await(t, all)
	require.ErrorAs(t, err, &fe)
	require.Equal(t, 1, fe.Index)
}

func TestAllFirstFailureAmongSettledIsLowestIndex(t *testing.T) {
	_, err := await(t, future.All(future.Resolved(0), future.Rejected[int](errBoom), future.Rejected[int](errOther)))
	var fe *future.FirstError
	require.ErrorAs(t, err, &fe)
	require.Equal(t, 1, fe.Index)
}

func TestAllNilInput(t *testing.T) {
	_, err := await(t, future.All(future.Resolved(1), nil))
	var fe *future.FirstError
	require.ErrorAs(t, err, &fe)
	require.Equal(t, 1, fe.Index)
	require.ErrorIs(t, err, future.ErrNilFuture)
}

func TestCancelAllCancelsInputs(t *testing.T) {
	a, aP := future.New[int]()
	b, bP := future.New[int]()
	shared, sharedP := future.New[int]()
	keep := shared.Then(inc) // another dependant keeps this input alive
	n := 0
	aP.OnCancel(func() { n++ })
	bP.OnCancel(func() { n++ })
	sharedP.OnCancel(func() { t.Error("shared input must survive") })
	all := future.All(a, b, shared)
	aP.Resolve(1)
	require.True(t, all.Cancel())
	require.Equal(t, 1, n, "only the pending, unshared input is cancelled")
	_, err := await(t, all)
	require.ErrorIs(t, err, future.ErrCancelled)
	sharedP.Resolve(1)
	v, err := await(t, keep)
	require.NoError(t, err)
	require.Equal(t, 2, v)
}

func TestSettledNeverFailsAndKeepsOrder(t *testing.T) {
	a, aP := future.New[int]()
	b, bP := future.New[int]()
	s := future.Settled(a, b, future.Resolved(3), nil)
	bP.Reject(errBoom)
	mustPending(t, s)
	aP.Resolve(1)
	v, err := await(t, s)
	require.NoError(t, err)
	require.Len(t, v, 4)
	require.Equal(t, future.Result[int]{Value: 1}, v[0])
	require.ErrorIs(t, v[1].Err, errBoom)
	require.Equal(t, future.Result[int]{Value: 3}, v[2])
	require.ErrorIs(t, v[3].Err, future.ErrNilFuture)
}

func TestSettledEmpty(t *testing.T) {
	v, err, ok := future.Settled[int]().Peek()
	require.True(t, ok)
	require.NoError(t, err)
	require.Empty(t, v)
}

func TestCancelSettledCancelsInputs(t *testing.T) {
	a, aP := future.New[int]()
	cancelled := false
	aP.OnCancel(func() { cancelled = true })
	s := future.Settled(a)
	require.True(t, s.Cancel())
	require.True(t, cancelled)
	_, err := await(t, s)
	require.ErrorIs(t, err, future.ErrCancelled)
}

func TestRaceFirstSuccessWinsAndLosersAreCancelled(t *testing.T) {
	a, aP := future.New[string]()
	b, bP := future.New[string]()
	c, cP := future.New[string]()
	var cancelled []string
	aP.OnCancel(func() { cancelled = append(cancelled, "a") })
	bP.OnCancel(func() { cancelled = append(cancelled, "b") })
	cP.OnCancel(func() { cancelled = append(cancelled, "c") })
	r := future.Race(a, b, c)
	aP.Reject(errBoom) // a failure does not win
	mustPending(t, r)
	bP.Resolve("b")
	v, err := await(t, r)
	require.NoError(t, err)
	require.Equal(t, future.Indexed[string]{Index: 1, Value: "b"}, v)
	require.Equal(t, []string{"c"}, cancelled, "the pending loser is cancelled")
	_, err = await(t, c)
	require.ErrorIs(t, err, future.ErrCancelled)
}

func TestRaceLoserSharedWithAnotherBranchSurvives(t *testing.T) {
	a, aP := future.New[int]()
	b, bP := future.New[int]()
	keep := b.Then(inc)
	r := future.Race(a, b)
	aP.Resolve(1)
	v, err := await(t, r)
	require.NoError(t, err)
	require.Equal(t, 0, v.Index)
	mustPending(t, b)
	bP.Resolve(5)
	w, err := await(t, keep)
	require.NoError(t, err)
	require.Equal(t, 6, w)
}

func TestRaceAlreadySettledLowestIndexWins(t *testing.T) {
	pending, pendingP := future.New[int]()
	cancelled := false
	pendingP.OnCancel(func() { cancelled = true })
	r := future.Race(future.Rejected[int](errBoom), future.Resolved(1), future.Resolved(2), pending)
	v, err := await(t, r)
	require.NoError(t, err)
	require.Equal(t, future.Indexed[int]{Index: 1, Value: 1}, v)
	require.True(t, cancelled, "inputs after an already settled winner are cancelled too")
}

func TestRaceAllFailJoinsErrorsInOrder(t *testing.T) {
	a, aP := future.New[int]()
	b, bP := future.New[int]()
	r := future.Race(a, b)
	bP.Reject(errOther)
	aP.Reject(errBoom)
	_, err := await(t, r)
	require.ErrorIs(t, err, errBoom)
	require.ErrorIs(t, err, errOther)
	require.Equal(t, errors.Join(errBoom, errOther).Error(), err.Error())
}

func TestRaceEmpty(t *testing.T) {
	_, err := await(t, future.Race[int]())
	require.ErrorIs(t, err, future.ErrNoInputs)
}

func TestCancelRaceCancelsInputs(t *testing.T) {
	a, aP := future.New[int]()
	cancelled := false
	aP.OnCancel(func() { cancelled = true })
	r := future.Race(a)
	require.True(t, r.Cancel())
	require.True(t, cancelled)
}

func TestCombinatorOfChains(t *testing.T) {
	f, p := future.New[int]()
	all := future.All(f.Then(inc), f.Then(func(v int) (int, error) { return v * 2, nil }))
	p.Resolve(10)
	v, err := await(t, all)
	require.NoError(t, err)
	require.Equal(t, []int{11, 20}, v)
}
