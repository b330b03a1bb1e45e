package tarantoolproc

import (
	"fmt"
	"os"
	"os/exec"
)

// EnvBin is the environment variable naming the tarantool binary (a path,
// or a name looked up on PATH). Empty or unset means "tarantool" on PATH.
const EnvBin = "TARANTOOL_BIN"

// defaultBin is the binary looked up on PATH when EnvBin is empty.
const defaultBin = "tarantool"

// Binary returns the path of the tarantool binary to run: $TARANTOOL_BIN
// when set, else tarantool on PATH. It returns an error wrapping
// ErrUnavailable that names what was looked for when there is none. It
// costs one environment read and one PATH search (a few stat calls).
func Binary() (string, error) {
	name, fromEnv := os.Getenv(EnvBin), true
	if name == "" {
		name, fromEnv = defaultBin, false
	}
	path, err := exec.LookPath(name)
	if err == nil {
		return path, nil
	}
	if fromEnv {
		return "", fmt.Errorf("%w: %s=%s: %v", ErrUnavailable, EnvBin, name, err)
	}
	return "", fmt.Errorf("%w: %v", ErrUnavailable, err)
}
