package client_test

import (
	"context"
	"fmt"
	"log"
	"time"

	"github.com/txtarantool/txtarantool/client"
)

// SQL with bind parameters, once (Execute) or prepared for reuse
// (Prepare), on the table sqltest (id INTEGER PRIMARY KEY AUTOINCREMENT,
// name TEXT); client.SQL decodes a result whole: columns, rows (generic or
// typed) and info.
func ExampleClient_Execute() {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	c, err := client.Dial(ctx, exampleAddr, client.Options{User: exampleUser, Password: examplePassword})
	if err != nil {
		log.Fatal(err)
	}
	defer c.Close()

	ins, err := client.SQL[[]any](c.Execute(ctx, "INSERT INTO sqltest VALUES (?, ?), (?, ?)", 960_041, "sql", 960_042, "too")).Await(ctx)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(ins.Info.RowCount) // rows inserted
	stmt, err := c.Prepare(ctx, "SELECT id, name FROM sqltest WHERE id IN (?, ?) ORDER BY id").Await(ctx)
	if err != nil {
		log.Fatal(err)
	}
	res, err := client.SQL[[]any](stmt.Execute(ctx, 960_041, 960_042)).Await(ctx) // as often as needed
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(res.Columns[1].Name, res.Columns[1].Type, res.Rows)
	users, err := client.SQL[User](stmt.Execute(ctx, 960_042, 0)).Await(ctx) // or typed rows
	fmt.Println(len(users.Rows), users.Rows[0].ID, users.Rows[0].Name, err)
	_, err = stmt.Unprepare(ctx).Await(ctx)
	fmt.Println(err)
}
