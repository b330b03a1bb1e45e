package client_test

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"log"
	"time"

	"github.com/txtarantool/txtarantool/client"
	"github.com/txtarantool/txtarantool/internal/tlsproxy"
)

// A lazy client returns at once and connects in the background;
// WaitConnected waits for the connection, and with WaitForReconnect its
// first requests wait for it too instead of failing with ErrNotConnected.
func ExampleLazy() {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	addr := exampleAddr
	opts := client.Options{User: exampleUser, Password: examplePassword}

	opts.WaitForReconnect = 100 // up to 100 requests may wait for a connection
	c, err := client.Lazy(addr, opts)
	if err != nil {
		log.Fatal(err) // only for an address that cannot be parsed
	}
	defer c.Close()
	fmt.Println("connected:", c.WaitConnected(ctx)) // or ctx's error, ErrClosed, ErrReconnectStopped: with the last cause
	_, err = c.Ping(ctx).Await(ctx)                 // made before, it would have waited too (WaitForReconnect)
	fmt.Println("ping:", err)
}

// A pool spreads requests over several connections; *Client and *Pool
// both satisfy client.Conn.
func ExampleDialPool() {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	addr := exampleAddr
	opts := client.Options{User: exampleUser, Password: examplePassword}

	p, err := client.DialPool(ctx, addr, 4, opts) // 4 connections, all up
	if err != nil {
		log.Fatal(err)
	}
	defer p.Close()
	var conn client.Conn = p // code written against Conn takes either
	_, err = conn.Replace(ctx, "test", []any{960_021, "pooled"}).Await(ctx)
	fmt.Println(len(p.Members()), "connections:", err)
}

// TLS to a proxy that terminates it in front of Tarantool (Tarantool
// Community has no TLS of its own).
func ExampleOptions_tls() {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	pki, err := tlsproxy.NewPKI() // a throwaway CA and a certificate for 127.0.0.1
	if err != nil {
		log.Fatal(err)
	}
	proxy, err := tlsproxy.Start(exampleAddr, pki.ServerConfig(false))
	if err != nil {
		log.Fatal(err)
	}
	defer proxy.Close()
	caPEM, proxyAddr := pki.CAPEM, proxy.Addr()
	user, password := exampleUser, examplePassword

	roots := x509.NewCertPool()
	roots.AppendCertsFromPEM(caPEM) // the CA that signed the proxy's certificate
	c, err := client.Dial(ctx, proxyAddr, client.Options{
		User: user, Password: password,
		TLS: &tls.Config{RootCAs: roots}, // ServerName: the address's host
	})
	if err != nil {
		log.Fatal(err)
	}
	defer c.Close()
	_, err = c.Ping(ctx).Await(ctx)
	fmt.Println("ping over TLS:", err)
}
