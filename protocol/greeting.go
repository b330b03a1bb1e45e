package protocol

import (
	"encoding/base64"
	"strconv"
	"strings"
)

// GreetingSize is the size of the greeting a Tarantool server sends as soon
// as a client connects: two 64-byte lines.
const GreetingSize = 128

// Version is a Tarantool server version, e.g. 2.6.0.
type Version struct {
	// Major, Minor and Patch are the three numbers of the version, in that
	// order. Patch is 0 when the greeting's version has only two.
	Major, Minor, Patch uint32
}

// String returns "major.minor.patch". It allocates.
func (v Version) String() string {
	return strconv.FormatUint(uint64(v.Major), 10) + "." +
		strconv.FormatUint(uint64(v.Minor), 10) + "." +
		strconv.FormatUint(uint64(v.Patch), 10)
}

// AtLeast reports whether v is major.minor.patch or later. It does not
// allocate.
func (v Version) AtLeast(major, minor, patch uint32) bool {
	if v.Major != major {
		return v.Major > major
	}
	if v.Minor != minor {
		return v.Minor > minor
	}
	return v.Patch >= patch
}

// Greeting is a parsed server greeting.
type Greeting struct {
	// Product is the first word of the greeting, "Tarantool".
	Product string
	// Version is the server version; suffixes such as "-0-g47aa4e01e" or
	// "-entrypoint" are dropped.
	Version Version
	// Protocol is the protocol named in parentheses; ParseGreeting only
	// accepts "Binary".
	Protocol string
	// InstanceUUID is the server instance UUID as sent (empty if absent).
	InstanceUUID string
	// Salt is the base64-decoded salt from the second line, at least
	// ScrambleSize bytes (Tarantool sends 32; the scramble uses 20).
	Salt []byte
}

// ParseGreeting parses the greeting in b[:GreetingSize]:
//
//	"Tarantool 2.6.0-0-g47aa4e01e (Binary) 5ba6e3c9-...\n" (padded to 64 bytes)
//	"<base64 salt>\n"                                     (padded to 64 bytes)
//
// Bytes after the first GreetingSize are ignored. Errors are *GreetingError:
// fewer than GreetingSize bytes (wrapping ErrShortBuffer), an unparsable
// first line or version, a protocol other than "Binary" (for example when
// connected to a console port), or a salt that is not base64 or decodes to
// fewer than ScrambleSize bytes (wrapping ErrSaltTooShort). It allocates the
// strings and salt of the result.
func ParseGreeting(b []byte) (Greeting, error) {
	var g Greeting
	if len(b) < GreetingSize {
		return g, &GreetingError{Reason: "need " + strconv.Itoa(GreetingSize) + " bytes, got " + strconv.Itoa(len(b)), Err: ErrShortBuffer}
	}
	line1 := strings.TrimRight(string(b[:GreetingSize/2]), " \n\r\x00")
	line2 := strings.TrimRight(string(b[GreetingSize/2:GreetingSize]), " \n\r\x00")

	product, rest, ok := strings.Cut(line1, " ")
	if !ok || product == "" {
		return g, &GreetingError{Reason: "no product and version in " + strconv.Quote(line1)}
	}
	g.Product = product
	rest = strings.TrimLeft(rest, " ")
	version, rest, _ := strings.Cut(rest, " ")
	v, err := parseVersion(version)
	if err != nil {
		return Greeting{}, err
	}
	g.Version = v
	rest = strings.TrimLeft(rest, " ")
	if !strings.HasPrefix(rest, "(") {
		return Greeting{}, &GreetingError{Reason: "no protocol in " + strconv.Quote(line1)}
	}
	proto, rest, ok := strings.Cut(rest[1:], ")")
	if !ok {
		return Greeting{}, &GreetingError{Reason: "unterminated protocol in " + strconv.Quote(line1)}
	}
	if proto != "Binary" {
		return Greeting{}, &GreetingError{Reason: "server speaks the " + strconv.Quote(proto) + " protocol, not Binary"}
	}
	g.Protocol = proto
	g.InstanceUUID = strings.TrimSpace(rest)

	salt, err := base64.StdEncoding.DecodeString(line2)
	if err != nil {
		return Greeting{}, &GreetingError{Reason: "salt is not base64", Err: err}
	}
	if len(salt) < ScrambleSize {
		return Greeting{}, &GreetingError{Reason: "salt of " + strconv.Itoa(len(salt)) + " bytes", Err: ErrSaltTooShort}
	}
	g.Salt = salt
	return g, nil
}

// parseVersion parses "major.minor[.patch][-suffix]".
func parseVersion(s string) (Version, error) {
	num, _, _ := strings.Cut(s, "-")
	parts := strings.Split(num, ".")
	if len(parts) < 2 || len(parts) > 3 {
		return Version{}, &GreetingError{Reason: "bad version " + strconv.Quote(s)}
	}
	var out [3]uint32
	for i, p := range parts {
		n, err := strconv.ParseUint(p, 10, 32)
		if err != nil {
			return Version{}, &GreetingError{Reason: "bad version " + strconv.Quote(s), Err: err}
		}
		out[i] = uint32(n)
	}
	return Version{Major: out[0], Minor: out[1], Patch: out[2]}, nil
}
