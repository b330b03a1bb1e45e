package client_test

import (
	"context"
	"errors"
	"fmt"
	"log"
	"time"

	"github.com/txtarantool/txtarantool/client"
)

// Names resolve through the schema the client loads at connect; numbers
// are sent as they are.
func ExampleClient_Schema() {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	c, err := client.Dial(ctx, exampleAddr, client.Options{User: exampleUser, Password: examplePassword})
	if err != nil {
		log.Fatal(err)
	}
	defer c.Close()

	space, _ := c.Schema().SpaceByName("test") // false for an unknown name
	primary := space.Indexes["primary"]
	fmt.Println(space.ID, space.Engine, primary.ID, primary.Type, primary.Unique)
	_, err = c.Select(ctx, space.ID, primary.ID, 960_031).Await(ctx) // same as "test", "primary"
	fmt.Println(err)
	_, err = c.Select(ctx, "no_such_space", nil, 1).Await(ctx)
	var se *client.SchemaError
	fmt.Println(errors.As(err, &se), errors.Is(err, client.ErrNotSent))
}

// Tuples decode by field name with the space's format (from _vspace):
// the struct's fields may be in any order, and need not be all of the
// space's.
func ExampleNamed() {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	c, err := client.Dial(ctx, exampleAddr, client.Options{User: exampleUser, Password: examplePassword})
	if err != nil {
		log.Fatal(err)
	}
	defer c.Close()

	sp, _ := c.Schema().SpaceByName("test")
	fmt.Println(sp.Fields[1].Name, sp.Fields[1].Type, sp.Fields[1].IsNullable)
	if _, err := c.Replace(ctx, "test", []any{960_032, "ann"}).Await(ctx); err != nil {
		log.Fatal(err)
	}
	type person struct { // matched to the space's fields by name, in any order
		Name string `msgpack:"name"`
		ID   uint64 `msgpack:"id"`
	}
	people, err := client.Named[person](c.Select(ctx, "test", nil, 960_032)).Await(ctx)
	fmt.Println(people, err)
	rows, err := c.Select(ctx, "test", nil, 960_032).Await(ctx)
	if err == nil {
		maps, err := rows.Maps() // []map[string]any
		fmt.Println(maps, err)
	}
}
