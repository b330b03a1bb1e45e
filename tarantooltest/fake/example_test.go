package fake_test

import (
	"context"
	"fmt"
	"log"

	"github.com/txtarantool/txtarantool/client"
	"github.com/txtarantool/txtarantool/tarantooltest/fake"
)

// A unit test's fake server: the space users, a select answered by the
// test. The client is the real one, dialed to the fake in memory.
func ExampleNew() {
	srv, err := fake.New(fake.Options{
		Spaces: []fake.Space{{Name: "users", Format: []client.Field{{Name: "id"}, {Name: "name"}}}},
		Handlers: fake.Handlers{
			Select: func(_ context.Context, r *fake.Request) ([]any, error) {
				return []any{[]any{r.Key[0], "ann"}}, nil // one tuple
			},
		},
	})
	if err != nil {
		log.Fatal(err)
	}
	defer srv.Close()
	ctx := context.Background()
	c, err := srv.Dial(ctx, client.Options{})
	if err != nil {
		log.Fatal(err)
	}
	defer c.Close()

	rows, err := client.Named[map[string]any](c.Select(ctx, "users", nil, 1)).Await(ctx)
	fmt.Println(rows, err)
	fmt.Println(srv.Requests()[0].Space, srv.Requests()[0].Key)
	// Output:
	// [map[id:1 name:ann]] <nil>
	// users [1]
}
