//go:build linux

package tarantoolproc

import "syscall"

// sysProcAttr puts tarantool in its own process group, so that signalling
// the group reaches anything it starts, and has the kernel SIGKILL it if the
// test binary dies first (a timed-out `go test`), so no orphan survives.
func sysProcAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
}
