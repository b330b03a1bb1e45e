package transport

import "strings"

// Redacted replaces the password of an address's userinfo wherever an
// address is shown (AddressError.Input): "user:xxxxx@host:3301".
const Redacted = "xxxxx"

// SplitCredentials separates the userinfo of an address in Tarantool's URI
// form from the address: "user:password@host:port", "user@host:port",
// "tcp://user:password@host:port" and "user:password@unix/:/path" give
// user, password and the address without them ("host:port",
// "tcp://host:port", "unix/:/path"). The userinfo ends at the first '@'
// and the user at the first ':'; both are taken as written, without
// percent-decoding, as Tarantool does. An address without userinfo, and
// every Unix socket form ("unix:...", "/path", "./path": a path may hold
// '@'), is returned unchanged with an empty user and password.
//
// A userinfo with an empty user (":password@host") is an *AddressError,
// whose Input shows the password as xxxxx. SplitCredentials does not
// check the rest: ParseAddress does. It does no I/O; cost: one string
// concatenation for the tcp:// form, none otherwise.
func SplitCredentials(addr string) (rest, user, password string, err error) {
	in := strings.TrimSpace(addr)
	lower := strings.ToLower(in)
	scheme := ""
	switch {
	case strings.HasPrefix(lower, "unix:"), strings.HasPrefix(lower, "unix/:"),
		strings.HasPrefix(in, "/"), strings.HasPrefix(in, "./"), strings.HasPrefix(in, "../"):
		return addr, "", "", nil
	case strings.HasPrefix(lower, "tcp://"):
		scheme, in = in[:len("tcp://")], in[len("tcp://"):]
	case strings.Contains(in, "://"):
		return addr, "", "", nil // an unknown scheme: ParseAddress refuses it
	}
	at := strings.IndexByte(in, '@')
	if at < 0 {
		return addr, "", "", nil
	}
	userinfo, host := in[:at], in[at+1:]
	user, password, _ = strings.Cut(userinfo, ":")
	if user == "" {
		return "", "", "", &AddressError{Input: redact(addr), Reason: "missing user name before '@'; expected user:password@host:port"}
	}
	if scheme != "" {
		host = scheme + host
	}
	return host, user, password, nil
}

// redact returns s with the password of anything that looks like a
// userinfo replaced by Redacted: the text from the first ':' after the
// scheme ("tcp://", "unix:", "unix/:") up to the last '@'. It errs on the
// side of hiding: a Unix path such as "/tmp/a:b@c" is shown as
// "/tmp/a:xxxxx@c". Without '@' it returns s itself.
func redact(s string) string {
	at := strings.LastIndexByte(s, '@')
	if at < 0 {
		return s
	}
	start := 0
	if i := strings.Index(s[:at], "://"); i >= 0 {
		start = i + len("://")
	} else {
		lower := strings.ToLower(strings.TrimSpace(s[:at]))
		lead := len(s[:at]) - len(strings.TrimLeft(s[:at], " \t\r\n"))
		for _, p := range []string{"unix/:", "unix:"} {
			if strings.HasPrefix(lower, p) {
				start = lead + len(p)
				break
			}
		}
	}
	colon := strings.IndexByte(s[start:at], ':')
	if colon < 0 {
		return s // a user name alone is no secret
	}
	return s[:start+colon+1] + Redacted + s[at:]
}
