package client

import (
	"errors"
	"fmt"
	"log/slog"

	"github.com/txtarantool/txtarantool/transport"
)

// ErrCredentialsConflict is the Err of the *ArgumentError (Arg "addr") that
// Dial, Lazy, DialPool and the other constructors return for an address in
// Tarantool's URI form ("user:password@host:port") whose user or password
// differs from a non-empty Options.User or Options.Password. The error
// names neither password.
var ErrCredentialsConflict = errors.New("the address's user or password differs from Options.User or Options.Password")

// withAddressCredentials splits the userinfo off addr (see
// transport.SplitCredentials) and fills opts.User and opts.Password from
// it where they are empty; both given and different is an *ArgumentError
// wrapping ErrCredentialsConflict.
func withAddressCredentials(addr string, opts Options) (string, Options, error) {
	rest, user, password, err := transport.SplitCredentials(addr)
	if err != nil || user == "" {
		return addr, opts, err
	}
	if opts.User != "" && opts.User != user || opts.Password != "" && password != "" && opts.Password != password {
		return "", opts, &ArgumentError{Arg: "addr", Err: ErrCredentialsConflict}
	}
	opts.User = user
	if opts.Password == "" {
		opts.Password = password
	}
	return rest, opts, nil
}

// hidePassword moves opts.Password into a closure, out of reach of fmt:
// the options a Client keeps have no password, so that no verb prints it
// from any value holding a Client, not even %w and %p, which fmt answers
// by printing the fields without calling Format. Cost: one closure per
// client.
func hidePassword(opts *Options) func() string {
	pw := opts.Password
	opts.Password = ""
	return func() string { return pw }
}

// handshakeOptions returns the client's options with the password, for the
// handshake.
func (c *Client) handshakeOptions() Options {
	o := c.opts
	o.Password = c.password()
	return o
}

// formatString prints s for any verb: %q quotes it, the other verbs
// (with their flags and width) print it as %s would, so that no verb
// reaches the fields of the value s describes.
func formatString(f fmt.State, verb rune, s string) {
	switch verb {
	case 'q', 'x', 'X':
		fmt.Fprintf(f, fmt.FormatString(f, verb), s)
	default:
		w, wok := f.Width()
		switch {
		case wok && f.Flag('-'):
			fmt.Fprintf(f, "%-*s", w, s)
		case wok:
			fmt.Fprintf(f, "%*s", w, s)
		default:
			fmt.Fprint(f, s)
		}
	}
}

// Format makes every fmt verb print the client as String does (%q
// quoted); none prints the password. fmt answers %w and %p (misused on a
// Client) without asking Format: it prints the fields, never the
// password, but reading them races with the client's goroutines; so do
// those two verbs on a Pool, Stream, Pager or Prepared.
func (c *Client) Format(f fmt.State, verb rune) { formatString(f, verb, c.String()) }

// LogValue makes log/slog log the client as String does.
func (c *Client) LogValue() slog.Value { return slog.StringValue(c.String()) }

// String describes the pool without secrets: its address, size and user.
// Cost: one formatted string.
func (p *Pool) String() string {
	addr, user := "", ""
	if len(p.members) > 0 {
		addr, user = p.members[0].addr, p.members[0].opts.User
	}
	return fmt.Sprintf("txtarantool.Pool{addr: %s, size: %d, user: %q}", addr, len(p.members), user)
}

// GoString is String, for %#v.
func (p *Pool) GoString() string { return p.String() }

// Format makes every fmt verb print the pool as String does (%q quoted);
// none prints the password.
func (p *Pool) Format(f fmt.State, verb rune) { formatString(f, verb, p.String()) }

// LogValue makes log/slog log the pool as String does.
func (p *Pool) LogValue() slog.Value { return slog.StringValue(p.String()) }

// String describes the stream without secrets: its id and its client.
// Cost: one formatted string.
func (s *Stream) String() string {
	return fmt.Sprintf("txtarantool.Stream{id: %d, client: %s}", s.id, s.client.String())
}

// GoString is String, for %#v.
func (s *Stream) GoString() string { return s.String() }

// Format makes every fmt verb print the stream as String does (%q
// quoted); none prints the password.
func (s *Stream) Format(f fmt.State, verb rune) { formatString(f, verb, s.String()) }

// LogValue makes log/slog log the stream as String does.
func (s *Stream) LogValue() slog.Value { return slog.StringValue(s.String()) }

// String describes the pager: its space, index and page size. Cost: one
// formatted string.
func (p *Pager) String() string {
	return fmt.Sprintf("txtarantool.Pager{space: %v, index: %v, pageSize: %d}", p.space, p.index, p.size)
}

// Format makes every fmt verb print the pager as String does (%q
// quoted), rather than walk its fields, among them its connection's.
func (p *Pager) Format(f fmt.State, verb rune) { formatString(f, verb, p.String()) }

// String describes the prepared statement by its exported fields. Cost:
// one formatted string.
func (p *Prepared) String() string {
	return fmt.Sprintf("txtarantool.Prepared{StmtID: %d, ParamCount: %d, Params: %v, Columns: %v}", p.StmtID, p.ParamCount, p.Params, p.Columns)
}

// Format makes every fmt verb print the statement as String does (%q
// quoted), rather than walk its fields, among them its client's.
func (p *Prepared) Format(f fmt.State, verb rune) { formatString(f, verb, p.String()) }
