package client_test

import (
	"context"
	"errors"
	"reflect"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/txtarantool/txtarantool/client"
)

var contextType = reflect.TypeOf((*context.Context)(nil)).Elem()

// TestNilContextEveryMethod calls, by reflection, every method of a
// Client, a Pool, their Streams and a Prepared statement whose first
// parameter is a context, and the package's functions that take one, with
// a nil context (zero values for the rest): each must fail at once, without
// panicking, with an *ArgumentError (Arg "ctx") matching ErrNilContext and
// ErrNotSent, as its error result or its future's. Methods added later are
// covered without changing the test.
func TestNilContextEveryMethod(t *testing.T) {
	t.Parallel()
	srv := requireServer(t)
	c := dialShared(t)
	p, err := client.DialPool(testContext(t), srv.Addr(), 2, testOptions())
	require.NoError(t, err)
	t.Cleanup(func() { _ = p.Close() })
	prep, err := await(t, c.Prepare(testContext(t), "SELECT 1"))
	require.NoError(t, err)

	requireNilCtx := func(err error, what string) {
		t.Helper()
		var ae *client.ArgumentError
		require.ErrorAs(t, err, &ae, what)
		require.Equal(t, "ctx", ae.Arg, what)
		require.ErrorIs(t, err, client.ErrNilContext, what)
		require.ErrorIs(t, err, client.ErrNotSent, what)
	}
	// outcome returns the error of a call's results: an error result, or
	// the error of a returned future, which must be settled already.
	outcome := func(out []reflect.Value, what string) error {
		t.Helper()
		for _, v := range out {
			if v.Type() == reflect.TypeOf((*error)(nil)).Elem() {
				if v.IsNil() {
					return nil
				}
				return v.Interface().(error)
			}
			if await := v.MethodByName("Await"); await.IsValid() && !v.IsNil() {
				ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
				res := await.Call([]reflect.Value{reflect.ValueOf(ctx)})
				cancel()
				err, _ := res[1].Interface().(error)
				require.False(t, errors.Is(err, context.DeadlineExceeded), "%s: the future is still pending", what)
				return err
			}
		}
		t.Fatalf("%s returns neither an error nor a future", what)
		return nil
	}
	call := func(fn reflect.Value, what string) []reflect.Value {
		t.Helper()
		ft := fn.Type()
		args := []reflect.Value{reflect.Zero(contextType)}
		n := ft.NumIn()
		if ft.IsVariadic() {
			n--
		}
		for i := 1; i < n; i++ {
			args = append(args, reflect.Zero(ft.In(i)))
		}
		var out []reflect.Value
		require.NotPanics(t, func() { out = fn.Call(args) }, what)
		return out
	}

	tried := 0
	for _, recv := range []any{c, p, c.NewStream(), p.NewStream(), prep} {
		v := reflect.ValueOf(recv)
		for i := 0; i < v.NumMethod(); i++ {
			m := v.Type().Method(i)
			if m.Type.NumIn() < 2 || m.Type.In(1) != contextType {
				continue
			}
			what := v.Type().String() + "." + m.Name
			requireNilCtx(outcome(call(v.Method(i), what), what), what)
			tried++
		}
	}
	require.Greater(t, tried, 40, "methods tried")

	for what, fn := range map[string]any{
		"Dial": client.Dial, "Connect": client.Connect,
		"DialPool": client.DialPool, "ConnectPool": client.ConnectPool,
	} {
		requireNilCtx(outcome(call(reflect.ValueOf(fn), what), what), what)
	}
	var nilCtx context.Context
	pager := client.Pages(nilCtx, c, "test", nil, nil, 10)
	require.False(t, pager.Next())
	requireNilCtx(pager.Err(), "Pages")
}

// TestAwaitNilContextPendingRequest: Await(nil) on a request still in
// flight returns ErrNilContext at once without cancelling or disturbing
// the request, which then completes as usual.
func TestAwaitNilContextPendingRequest(t *testing.T) {
	t.Parallel()
	c := dialShared(t)
	ctx := testContext(t)
	f := c.Eval(ctx, "require('fiber').sleep(0.1) return 7")
	var nilCtx context.Context
	start := time.Now()
	var err error
	require.NotPanics(t, func() { _, err = f.Await(nilCtx) })
	require.ErrorIs(t, err, client.ErrNilContext)
	require.Less(t, time.Since(start), 50*time.Millisecond)
	require.Equal(t, []any{int64(7)}, awaitValues(t, f))
}
