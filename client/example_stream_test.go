package client_test

import (
	"context"
	"errors"
	"fmt"
	"log"
	"time"

	"github.com/txtarantool/txtarantool/client"
)

// An interactive transaction (Tarantool 2.10+, memtx with
// memtx_use_mvcc_engine): Tx runs the function in a new stream between
// BEGIN and COMMIT, and rolls back if it returns an error or panics.
func ExampleClient_Tx() {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	c, err := client.Dial(ctx, exampleAddr, client.Options{User: exampleUser, Password: examplePassword})
	if err != nil {
		log.Fatal(err)
	}
	defer c.Close()

	err = c.Tx(ctx, func(tx *client.Stream) error {
		if _, err := tx.Replace(ctx, "test", []any{960_051, "draft"}).Await(ctx); err != nil {
			return err // rolls back
		}
		ops := []client.Op{client.OpAssign(1, "final")} // the update sees the draft
		_, err := tx.Update(ctx, "test", nil, 960_051, ops).Await(ctx)
		return err // nil commits
	})
	var fe *client.FeatureError
	if errors.As(err, &fe) { // a server before 2.10: nothing was sent
		fmt.Println("streams need Tarantool 2.10+:", errors.Is(err, client.ErrNotSent))
		return
	}
	got, err := client.One[User](c.Select(ctx, "test", nil, 960_051)).Await(ctx)
	fmt.Println(got.Value.Name, err)
}
