package cluster_test

import (
	"context"
	"fmt"
	"log"
	"os"
	"time"

	"github.com/txtarantool/txtarantool/client"
	"github.com/txtarantool/txtarantool/cluster"
)

// The example connects to a replica set of three instances running
// testdata/replica.lua. It has no Output comment because `go test` cannot
// count on a replica set being there; TestExample starts one and checks
// what it prints.
var (
	exampleInstances = []cluster.Instance{
		{Name: "i1", Addr: "127.0.0.1:3301"},
		{Name: "i2", Addr: "127.0.0.1:3302"},
		{Name: "i3", Addr: "127.0.0.1:3303"},
	}
	exampleUser     = "tester"
	examplePassword = os.Getenv("TT_PASSWORD")
)

// Dial a replica set, write to the master, read from a replica, and look
// at what discovery learnt.
func Example() {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	c, err := cluster.Dial(ctx, exampleInstances, cluster.Options{
		Client:        client.Options{User: exampleUser, Password: examplePassword},
		DefaultMode:   cluster.ModePreferRO, // reads: a replica if there is one
		WaitForMaster: 100,                  // up to 100 writes wait for a master during a failover
	})
	if err != nil {
		log.Fatal(err)
	}
	defer c.Close()
	fmt.Println("master:", c.Master())

	// Writes always go to the master.
	_, err = c.Replace(ctx, "test", []any{970_001, "ann"}).Await(ctx)
	fmt.Println("replace:", err)

	// Read it back from the master (a replica may not have it yet).
	resp, err := c.Mode(cluster.ModeRW).Select(ctx, "test", nil, 970_001).Await(ctx)
	if err != nil {
		log.Fatal(err)
	}
	var rows [][]any
	fmt.Println(resp.Decode(&rows), rows)

	// Calls go to the master unless told otherwise.
	resp, err = c.Mode(cluster.ModeRO).Eval(ctx, "return box.info.ro").Await(ctx)
	if err != nil {
		log.Fatal(err)
	}
	var ro []bool
	fmt.Println("eval on a replica, read-only:", resp.Decode(&ro) == nil && ro[0])

	for _, in := range c.Instances() {
		fmt.Println(in.Name, in.Role, in.State)
	}
}
