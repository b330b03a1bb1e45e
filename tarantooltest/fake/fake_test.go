package fake_test

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"github.com/tarantool/go-iproto"

	"github.com/txtarantool/txtarantool/client"
	"github.com/txtarantool/txtarantool/reconnect"
	"github.com/txtarantool/txtarantool/tarantooltest/fake"
)

// users is the space of these tests: id 600, indexes primary and name.
var users = fake.Space{
	Name: "users", ID: 600,
	Format:  []client.Field{{Name: "id", Type: "unsigned"}, {Name: "name", Type: "string"}},
	Indexes: []string{"primary", "name"},
}

// echo answers a request with its tuple, or with its arguments.
func echo(_ context.Context, r *fake.Request) ([]any, error) {
	if r.Tuple != nil {
		return []any{r.Tuple}, nil
	}
	return r.Args, nil
}

// start makes a fake with h and a client dialed to it, both closed when
// the test ends, and checks that no goroutine is left after.
func start(t *testing.T, h fake.Handlers, opts client.Options) (*fake.Server, *client.Client) {
	t.Helper()
	base := runtime.NumGoroutine()
	srv, err := fake.New(fake.Options{Spaces: []fake.Space{users, {Name: "logs"}}, Handlers: h})
	require.NoError(t, err)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	c, err := srv.Dial(ctx, opts)
	require.NoError(t, err)
	t.Cleanup(func() {
		require.NoError(t, c.Close())
		require.NoError(t, srv.Close())
		deadline := time.Now().Add(5 * time.Second)
		for runtime.NumGoroutine() > base {
			if time.Now().After(deadline) {
				t.Fatalf("%d goroutines left, %d before", runtime.NumGoroutine(), base)
			}
			time.Sleep(5 * time.Millisecond)
		}
	})
	return srv, c
}

func TestEveryKind(t *testing.T) {
	srv, c := start(t, fake.Handlers{
		Select: func(context.Context, *fake.Request) ([]any, error) {
			return []any{[]any{7, "ann"}}, nil
		},
		Insert: echo, Replace: echo, Upsert: echo, Call: echo, Eval: echo, Execute: echo,
		Update: func(_ context.Context, r *fake.Request) ([]any, error) { return []any{[]any{r.Key[0], "b"}}, nil },
		Delete: func(context.Context, *fake.Request) ([]any, error) { return nil, nil },
	}, client.Options{})
	ctx := context.Background()

	type user struct {
		_    struct{} `msgpack:",as_array"`
		ID   uint64
		Name string
	}
	got, err := client.Tuples[user](c.Select(ctx, "users", "name", "ann", client.Limit(5))).Await(ctx)
	require.NoError(t, err)
	require.Equal(t, []user{{ID: 7, Name: "ann"}}, got)
	named, err := client.Named[map[string]any](c.Select(ctx, "users", nil, 7)).Await(ctx)
	require.NoError(t, err)
	require.Len(t, named, 1)
	require.Equal(t, "ann", named[0]["name"], "decoded by the declared format")
	require.EqualValues(t, 7, named[0]["id"])

	_, err = c.Insert(ctx, "users", []any{1, "ann"}).Await(ctx)
	require.NoError(t, err)
	_, err = c.Replace(ctx, "logs", []any{2, "x"}).Await(ctx)
	require.NoError(t, err)
	_, err = c.Update(ctx, "users", nil, 1, []client.Op{client.OpAssign(1, "b")}).Await(ctx)
	require.NoError(t, err)
	_, err = c.Upsert(ctx, "users", []any{3, "c"}, []client.Op{client.OpAdd(0, 1)}).Await(ctx)
	require.NoError(t, err)
	_, err = c.Delete(ctx, "users", "primary", 1).Await(ctx)
	require.NoError(t, err)
	r, err := c.Call(ctx, "sum", 1, 2).Await(ctx)
	require.NoError(t, err)
	vals, err := r.Values()
	require.NoError(t, err)
	require.Equal(t, []any{int64(1), int64(2)}, vals)
	_, err = c.Eval(ctx, "return ...", "a").Await(ctx)
	require.NoError(t, err)
	_, err = c.Execute(ctx, "SELECT ?", 5).Await(ctx)
	require.NoError(t, err)

	reqs := srv.Requests()
	require.Len(t, reqs, 10)
	sel := reqs[0]
	require.Equal(t, iproto.IPROTO_SELECT, sel.Kind)
	require.Equal(t, "users", sel.Space)
	require.EqualValues(t, 600, sel.SpaceID)
	require.Equal(t, "name", sel.Index)
	require.EqualValues(t, 1, sel.IndexID)
	require.EqualValues(t, []any{"ann"}, sel.Key)
	require.EqualValues(t, 5, sel.Limit)
	require.Equal(t, "logs", reqs[3].Space)
	require.EqualValues(t, 512, reqs[3].SpaceID, "an id given from 512")
	require.Len(t, reqs[4].Ops, 1)
	require.Len(t, reqs[5].Ops, 1)
	require.Equal(t, "primary", reqs[6].Index)
	require.Equal(t, "sum", reqs[7].Function)
	require.Len(t, reqs[7].Args, 2)
	require.Equal(t, "return ...", reqs[8].Expr)
	require.Equal(t, "SELECT ?", reqs[9].SQL)
	require.Len(t, reqs[9].Args, 1)
}

func TestErrors(t *testing.T) {
	_, c := start(t, fake.Handlers{
		Insert: func(context.Context, *fake.Request) ([]any, error) {
			return nil, fake.Error(iproto.ER_TUPLE_FOUND, "Duplicate key exists")
		},
		Call: func(context.Context, *fake.Request) ([]any, error) { return nil, errors.New("boom") },
		Eval: func(context.Context, *fake.Request) ([]any, error) { panic("handler bug") },
	}, client.Options{})
	ctx := context.Background()

	_, err := c.Insert(ctx, "users", []any{1, "a"}).Await(ctx)
	require.ErrorIs(t, err, client.CodeTupleFound)
	var se *client.ServerError
	require.ErrorAs(t, err, &se)
	require.Equal(t, "Duplicate key exists", se.Message)

	_, err = c.Call(ctx, "f").Await(ctx)
	require.ErrorIs(t, err, client.ErrorCode(iproto.ER_PROC_LUA))
	require.ErrorContains(t, err, "boom")

	_, err = c.Eval(ctx, "x").Await(ctx)
	require.ErrorIs(t, err, client.ErrorCode(iproto.ER_PROC_LUA))
	require.ErrorContains(t, err, "panicked: handler bug")

	_, err = c.Delete(ctx, "users", nil, 1).Await(ctx)
	require.ErrorIs(t, err, client.ErrorCode(iproto.ER_UNKNOWN_REQUEST_TYPE))
	require.ErrorContains(t, err, "no handler for IPROTO_DELETE on space users")

	_, err = c.Select(ctx, "nope", nil, 1).Await(ctx)
	var sch *client.SchemaError
	require.ErrorAs(t, err, &sch, "an unknown name fails in the client")
	_, err = c.Select(ctx, 999, nil, 1).Await(ctx)
	require.ErrorIs(t, err, client.ErrorCode(iproto.ER_NO_SUCH_SPACE), "an unknown number: the fake answers as Tarantool does")
	_, err = c.Select(ctx, 600, 9, 1).Await(ctx)
	require.ErrorIs(t, err, client.ErrorCode(iproto.ER_NO_SUCH_INDEX_ID))
}

func TestBreakReconnects(t *testing.T) {
	hold := make(chan struct{})
	srv, c := start(t, fake.Handlers{
		Call: func(ctx context.Context, r *fake.Request) ([]any, error) {
			if r.Function == "hold" {
				select {
				case <-hold:
				case <-ctx.Done():
				}
			}
			return nil, nil
		},
	}, client.Options{Reconnect: reconnect.Constant{Delay: 10 * time.Millisecond}})
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	held := c.Call(ctx, "hold")
	require.Eventually(t, func() bool { return len(srv.Requests()) == 1 }, 5*time.Second, time.Millisecond)
	srv.Break()
	_, err := held.Await(ctx)
	require.ErrorIs(t, err, client.ErrOutcomeUnknown, "the request in flight fails as on a crash")
	close(hold)
	require.Eventually(t, func() bool { return c.Stats().Reconnects >= 1 && c.Connected() }, 5*time.Second, time.Millisecond)
	_, err = c.Call(ctx, "after").Await(ctx)
	require.NoError(t, err, "reconnected to the fake")
}

func TestConcurrent(t *testing.T) {
	srv, c := start(t, fake.Handlers{Call: echo}, client.Options{})
	ctx := context.Background()
	var wg sync.WaitGroup
	errs := make(chan error, 32*50)
	for g := range 32 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 50 {
				r, err := c.Call(ctx, "echo", g, i).Await(ctx)
				if err != nil {
					errs <- err
					continue
				}
				var out []int
				if err := r.Decode(&out); err != nil || out[0] != g || out[1] != i {
					errs <- fmt.Errorf("call (%d, %d) answered %v, %v", g, i, out, err)
				}
				r.Release()
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	require.Len(t, srv.Requests(), 32*50)
}

func TestBadSpaces(t *testing.T) {
	for _, spaces := range [][]fake.Space{
		{{Name: ""}},
		{{Name: "a"}, {Name: "a"}},
		{{Name: "a", ID: 700}, {Name: "b", ID: 700}},
	} {
		_, err := fake.New(fake.Options{Spaces: spaces})
		require.ErrorIs(t, err, fake.ErrBadSpace, "%+v", spaces)
	}
	srv, err := fake.New(fake.Options{Spaces: []fake.Space{{Name: "a"}, {Name: "b", ID: 512}}})
	require.NoError(t, err, "an explicit id is skipped when ids are given")
	require.NoError(t, srv.Close())
}
