package tarantoolproc

import (
	"errors"
	"fmt"
	"os/exec"
	"strconv"
	"strings"
	"sync"
)

// ErrBadVersion is wrapped by the error ParseVersion returns for text that
// holds no "major.minor[.patch]" version.
var ErrBadVersion = errors.New("tarantoolproc: no tarantool version")

// Version is a tarantool version: 2.6.0, 2.11.9, 3.8.0. Raw is the text it
// was parsed from, e.g. "2.6.0-0-g47aa4e01e".
type Version struct {
	Major, Minor, Patch int
	Raw                 string
}

// String returns "major.minor.patch".
func (v Version) String() string {
	return fmt.Sprintf("%d.%d.%d", v.Major, v.Minor, v.Patch)
}

// AtLeast reports whether v is major.minor or later (any patch).
func (v Version) AtLeast(major, minor int) bool {
	if v.Major != major {
		return v.Major > major
	}
	return v.Minor >= minor
}

// AtLeastVersion reports whether v is w or later, patch included.
func (v Version) AtLeastVersion(w Version) bool {
	if v.Major != w.Major || v.Minor != w.Minor {
		return v.AtLeast(w.Major, w.Minor)
	}
	return v.Patch >= w.Patch
}

// ParseVersion reads the version out of the first line of `tarantool
// --version` ("Tarantool 2.6.0-0-g47aa4e01e"), of a greeting ("Tarantool
// 2.11.9 (Binary) uuid") or of a bare "3.8" / "3.8.0-entrypoint". It
// returns an error wrapping ErrBadVersion when there is none.
func ParseVersion(text string) (Version, error) {
	line, _, _ := strings.Cut(text, "\n")
	fields := strings.Fields(line)
	if len(fields) > 0 && strings.EqualFold(fields[0], "tarantool") {
		fields = fields[1:]
	}
	if len(fields) == 0 {
		return Version{}, fmt.Errorf("%w in %q", ErrBadVersion, line)
	}
	raw := fields[0]
	num, _, _ := strings.Cut(raw, "-")
	parts := strings.Split(num, ".")
	if len(parts) < 2 || len(parts) > 3 {
		return Version{}, fmt.Errorf("%w in %q", ErrBadVersion, line)
	}
	var n [3]int
	for i, p := range parts {
		v, err := strconv.Atoi(p)
		if err != nil || v < 0 {
			return Version{}, fmt.Errorf("%w in %q", ErrBadVersion, line)
		}
		n[i] = v
	}
	return Version{Major: n[0], Minor: n[1], Patch: n[2], Raw: raw}, nil
}

// versions caches BinaryVersion by binary path.
var versions sync.Map // string -> versionResult

type versionResult struct {
	v   Version
	err error
}

// BinaryVersion returns the version of the tarantool binary bin, from the
// first line of `bin --version`. The first call for a path runs the binary
// (a few milliseconds); later calls return the cached answer.
func BinaryVersion(bin string) (Version, error) {
	if r, ok := versions.Load(bin); ok {
		res := r.(versionResult)
		return res.v, res.err
	}
	out, err := exec.Command(bin, "--version").Output()
	var res versionResult
	if err != nil {
		res.err = fmt.Errorf("tarantoolproc: %s --version: %w", bin, err)
	} else {
		res.v, res.err = ParseVersion(string(out))
	}
	versions.Store(bin, res)
	return res.v, res.err
}

// ServerVersion returns the version of the binary Start runs (see Binary
// and BinaryVersion).
func ServerVersion() (Version, error) {
	bin, err := Binary()
	if err != nil {
		return Version{}, err
	}
	return BinaryVersion(bin)
}
