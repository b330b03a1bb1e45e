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
// name TEXT).
func ExampleClient_Execute() {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	c, err := client.Dial(ctx, exampleAddr, client.Options{User: exampleUser, Password: examplePassword})
	if err != nil {
		log.Fatal(err)
	}
	defer c.Close()

	r, err := c.Execute(ctx, "INSERT INTO sqltest VALUES (?, ?), (?, ?)", 960_041, "sql", 960_042, "too").Await(ctx)
	if err != nil {
		log.Fatal(err)
	}
	body, err := r.Body()
	fmt.Println(body.SQLInfo.RowCount, err)

	stmt, err := c.Prepare(ctx, "SELECT name FROM sqltest WHERE id = ?").Await(ctx)
	if err != nil {
		log.Fatal(err)
	}
	r, err = stmt.Execute(ctx, 960_041).Await(ctx) // as often as needed
	if err != nil {
		log.Fatal(err)
	}
	rows, err := r.Values() // one []any per row
	fmt.Println(rows, err)
	r, err = stmt.Execute(ctx, 960_042).Await(ctx)
	fmt.Println(r.Values())
	_, err = stmt.Unprepare(ctx).Await(ctx)
	fmt.Println(err)
}
