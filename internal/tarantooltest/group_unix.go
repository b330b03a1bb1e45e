//go:build unix && !linux

package tarantooltest

import "syscall"

// sysProcAttr puts tarantool in its own process group, so that signalling
// the group reaches anything it starts.
func sysProcAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Setpgid: true}
}
