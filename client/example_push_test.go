package client_test

import (
	"context"
	"fmt"
	"log"
	"time"

	"github.com/txtarantool/txtarantool/client"
)

// Follow a long Lua job's progress: every box.session.push reaches the
// listener, in order, on the client's executor, before the future settles.
func ExampleClient_EvalWithPush() {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	c, err := client.Dial(ctx, exampleAddr, client.Options{User: exampleUser, Password: examplePassword})
	if err != nil {
		log.Fatal(err)
	}
	defer c.Close()

	const job = `local steps = ...
for i = 1, steps do box.session.push({step = i, of = steps}) end
return 'done'`
	progress := func(p *client.Push) {
		var s struct {
			Step int `msgpack:"step"`
			Of   int `msgpack:"of"`
		}
		if err := p.Decode(&s); err != nil {
			log.Print(err)
			return
		}
		fmt.Printf("step %d of %d\n", s.Step, s.Of)
	}
	r, err := c.EvalWithPush(ctx, progress, job, 3).Await(ctx) // every push seen by now
	if err != nil {
		log.Fatal(err)
	}
	values, err := r.Values()
	fmt.Println(values, err)
}
