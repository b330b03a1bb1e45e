package transport_test

import (
	"errors"
	"fmt"

	"github.com/txtarantool/txtarantool/transport"
)

// SplitCredentials takes the userinfo off an address in Tarantool's URI
// form; a dialer refuses an address that still has one, showing its
// password as xxxxx.
func ExampleSplitCredentials() {
	for _, addr := range []string{
		"app:s3cret@db.example:3301",
		"tcp://app@db.example:3301",
		"app:s3cret@unix/:/run/tarantool.sock",
		"unix:/run/t@1.sock", // a path may hold '@'
	} {
		rest, user, password, err := transport.SplitCredentials(addr)
		fmt.Printf("%q %q %q %v\n", rest, user, password, err)
	}
	_, err := transport.NewDialer("app:s3cret@db.example:3301")
	var ae *transport.AddressError
	fmt.Println(errors.As(err, &ae), ae.Input)
	// Output:
	// "db.example:3301" "app" "s3cret" <nil>
	// "tcp://db.example:3301" "app" "" <nil>
	// "unix/:/run/tarantool.sock" "app" "s3cret" <nil>
	// "unix:/run/t@1.sock" "" "" <nil>
	// true app:xxxxx@db.example:3301
}
