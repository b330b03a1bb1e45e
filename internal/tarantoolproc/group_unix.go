//go:build unix && !linux

package tarantoolproc

import "syscall"

// sysProcAttr puts tarantool in its own process group, so that signalling
// the group reaches anything it starts.
func sysProcAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Setpgid: true}
}
