package client_test

import (
	"context"
	"errors"
	"fmt"
	"log"
	"strings"
	"time"

	"github.com/txtarantool/txtarantool/client"
)

// An address in Tarantool's URI form carries the user and the password;
// no fmt verb prints the password of a client, nor does its error show
// an address's.
func ExampleDial_credentials() {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	addr := exampleUser + ":" + examplePassword + "@" + exampleAddr // user:password@host:port

	c, err := client.Dial(ctx, addr, client.Options{}) // fills Options.User and Password
	if err != nil {
		log.Fatal(err)
	}
	defer c.Close()
	_, err = c.Ping(ctx).Await(ctx)
	shown := fmt.Sprintf("%v %+v %#v %s %d %x", c, c, c, c, c, c)
	fmt.Println(err, c.Addr(), strings.Contains(shown, examplePassword))
	_, err = client.Dial(ctx, addr, client.Options{User: "someone else"})
	fmt.Println(errors.Is(err, client.ErrCredentialsConflict))
}
