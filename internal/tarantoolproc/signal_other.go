//go:build !unix

package tarantoolproc

import (
	"errors"
	"os"
	"syscall"
)

// sysProcAttr returns nil: process groups are a Unix notion.
func sysProcAttr() *syscall.SysProcAttr { return nil }

// terminateGroup kills p: there is no SIGTERM here.
func terminateGroup(p *os.Process) error { return killGroup(p) }

// killGroup kills p.
func killGroup(p *os.Process) error {
	err := p.Kill()
	if errors.Is(err, os.ErrProcessDone) {
		return nil
	}
	return err
}
