package client_test

import (
	"context"
	"fmt"
	"log"
	"time"

	"github.com/tarantool/go-iproto"

	"github.com/txtarantool/txtarantool/client"
)

// Walk a whole index 100 tuples at a time (Tarantool 2.10+): each page
// resumes after the position the server returned for the one before, so
// no page rescans the tuples before it, as an Offset would.
func ExamplePages() {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	c, err := client.Dial(ctx, exampleAddr, client.Options{User: exampleUser, Password: examplePassword})
	if err != nil {
		log.Fatal(err)
	}
	defer c.Close()

	total := 0
	p := client.Pages(ctx, c, "test", "primary", nil, 100, client.Iterator(iproto.ITER_ALL))
	for p.Next() {
		var page []any // one element per tuple
		if err := p.Page().Decode(&page); err != nil {
			log.Fatal(err)
		}
		total += len(page)
	}
	if err := p.Err(); err != nil {
		log.Fatal(err) // a *client.FeatureError before 2.10
	}
	fmt.Println(total, "tuples")
}
