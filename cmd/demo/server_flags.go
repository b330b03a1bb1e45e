package main

import (
	"flag"
	"time"

	"github.com/txtarantool/txtarantool/reconnect"
)

// serverFlags are the connection settings both subcommands take.
type serverFlags struct {
	addr     string
	user     string
	password string
	// reconnectMin and reconnectMax bound the reconnect backoff.
	reconnectMin time.Duration
	reconnectMax time.Duration
}

// defaultServerFlags are the settings before flags: the demo.lua user and
// a quick backoff.
func defaultServerFlags() serverFlags {
	return serverFlags{
		user:         "tester",
		password:     "secret",
		reconnectMin: 100 * time.Millisecond,
		reconnectMax: time.Second,
	}
}

// register binds the settings to fs's flags.
func (s *serverFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&s.addr, "addr", "", "Tarantool address (host:port, unix:/path); empty starts a local tarantool ($TARANTOOL_BIN or tarantool on PATH) from the embedded demo.lua")
	fs.StringVar(&s.user, "user", s.user, "user name")
	fs.StringVar(&s.password, "password", s.password, "password")
	fs.DurationVar(&s.reconnectMin, "reconnect-min", s.reconnectMin, "first reconnect delay (doubles per failed attempt)")
	fs.DurationVar(&s.reconnectMax, "reconnect-max", s.reconnectMax, "longest reconnect delay")
}

// policy is the demo's reconnect policy: quick, so that a restart is
// noticed within a second, with equal jitter so that the delays stay
// readable (each in [d/2, d]).
func (s serverFlags) policy() reconnect.Policy {
	return reconnect.Backoff{Initial: s.reconnectMin, Max: s.reconnectMax, Multiplier: 2, Jitter: reconnect.EqualJitter}
}
