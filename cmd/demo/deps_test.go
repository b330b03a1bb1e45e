package main

import (
	"os/exec"
	"strings"
	"testing"
)

// TestBinaryDoesNotLinkTesting: the demo binary must not depend on package
// testing (it would mean it starts tarantool through a test helper, and
// an installed demo would carry the test framework's flags). go list is
// the judge; the test skips without the go command.
func TestBinaryDoesNotLinkTesting(t *testing.T) {
	goBin, err := exec.LookPath("go")
	if err != nil {
		t.Skip("go command not on PATH: cannot list the demo's dependencies")
	}
	out, err := exec.Command(goBin, "list", "-deps", ".").CombinedOutput()
	if err != nil {
		t.Fatalf("go list -deps: %v\n%s", err, out)
	}
	deps := strings.Fields(string(out))
	if len(deps) < 10 || deps[len(deps)-1] != "github.com/txtarantool/txtarantool/cmd/demo" {
		t.Fatalf("go list -deps gave an unexpected list:\n%s", out)
	}
	for _, dep := range deps {
		if dep == "testing" || strings.HasPrefix(dep, "testing/") || strings.HasSuffix(dep, "/tarantooltest") {
			t.Errorf("the demo binary depends on %s", dep)
		}
	}
}
