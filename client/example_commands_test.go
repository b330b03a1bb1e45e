package client_test

import (
	"context"
	"fmt"
	"log"
	"time"

	"github.com/txtarantool/txtarantool/client"
)

// Write a tuple, update one field, read it back, then call a Lua function.
func ExampleClient_Update() {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	c, err := client.Dial(ctx, exampleAddr, client.Options{User: exampleUser, Password: examplePassword})
	if err != nil {
		log.Fatal(err)
	}
	defer c.Close()

	if _, err := c.Replace(ctx, "test", []any{960_001, "ann"}).Await(ctx); err != nil {
		log.Fatal(err)
	}
	ops := []client.Op{client.OpAssign(1, "ann b.")} // field 1 (0-based): name
	r, err := c.Update(ctx, "test", "primary", 960_001, ops).Await(ctx)
	if err != nil {
		log.Fatal(err)
	}
	var u User
	found, err := r.First(&u) // the updated tuple
	fmt.Println(found, u.ID, u.Name, err)

	users, err := client.Tuples[User](c.Select(ctx, "test", nil, 960_001, client.Iterator(client.IterEq), client.Limit(10))).Await(ctx)
	fmt.Println(len(users), users[0].Name, err)

	r, err = c.Call(ctx, "sum", 40, 2).Await(ctx)
	if err != nil {
		log.Fatal(err)
	}
	values, err := r.Values() // what the function returned
	fmt.Println(values, err)

	if _, err := c.Delete(ctx, "test", nil, 960_001).Await(ctx); err != nil {
		log.Fatal(err)
	}
}
