package faultproxy_test

import (
	"context"
	"fmt"
	"log"
	"net"
	"os"
	"time"

	"github.com/txtarantool/txtarantool/internal/faultproxy"
)

// A proxy in front of a server: a black hole on the existing connection
// while a new one passes, as a dead peer whose kernel still ACKs.
func ExampleProxy_BlackHole() {
	upstream, err := net.Listen("tcp", "127.0.0.1:0") // an echo server
	if err != nil {
		log.Fatal(err)
	}
	defer upstream.Close()
	go func() {
		for {
			c, err := upstream.Accept()
			if err != nil {
				return
			}
			go func() {
				buf := make([]byte, 64)
				for {
					n, err := c.Read(buf)
					if err != nil {
						c.Close()
						return
					}
					_, _ = c.Write(buf[:n])
				}
			}()
		}
	}()

	p, err := faultproxy.Start(upstream.Addr().String())
	if err != nil {
		log.Fatal(err)
	}
	defer p.Close()
	old, err := net.Dial("tcp", p.Addr())
	if err != nil {
		log.Fatal(err)
	}
	defer old.Close()
	conns, err := p.WaitConns(context.Background(), 1)
	if err != nil {
		log.Fatal(err)
	}
	conns[0].BlackHole(faultproxy.Both) // this connection only

	echo := func(c net.Conn) error {
		if _, err := c.Write([]byte("hi")); err != nil {
			return err
		}
		_ = c.SetReadDeadline(time.Now().Add(200 * time.Millisecond))
		_, err := c.Read(make([]byte, 2))
		return err
	}
	err = echo(old)
	fmt.Println("old:", os.IsTimeout(err))
	fresh, err := net.Dial("tcp", p.Addr())
	if err != nil {
		log.Fatal(err)
	}
	defer fresh.Close()
	fmt.Println("new:", echo(fresh))
	// Output:
	// old: true
	// new: <nil>
}
