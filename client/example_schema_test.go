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
