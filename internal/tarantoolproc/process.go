package tarantoolproc

import (
	"os"
	"os/exec"
	"time"
)

// stopGrace is how long Stop and Restart wait after SIGTERM before SIGKILL.
const stopGrace = 5 * time.Second

// process is one run of tarantool.
type process struct {
	cmd  *exec.Cmd
	done chan struct{} // closed once the process has been waited for
	err  error         // Wait's result; read only after done is closed
}

// launch starts bin on script in dir with env, its stdout and stderr
// appended to logPath, and reaps it in the background.
func launch(bin, script, dir, logPath string, env []string) (*process, error) {
	logFile, err := os.OpenFile(logPath, os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o644)
	if err != nil {
		return nil, err
	}
	defer logFile.Close() // the child has its own descriptor

	cmd := exec.Command(bin, script)
	cmd.Dir = dir
	cmd.Env = env
	cmd.Stdout = logFile
	cmd.Stderr = logFile
	cmd.SysProcAttr = sysProcAttr()
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	p := &process{cmd: cmd, done: make(chan struct{})}
	go func() {
		p.err = cmd.Wait()
		close(p.done)
	}()
	return p, nil
}

// exited reports whether the process has exited and been reaped.
func (p *process) exited() bool {
	select {
	case <-p.done:
		return true
	default:
		return false
	}
}

// kill SIGKILLs the process group and waits for the process to be reaped.
func (p *process) kill() error {
	if p.exited() {
		return nil
	}
	err := killGroup(p.cmd.Process)
	<-p.done
	return err
}

// terminate SIGTERMs the process group, waits up to grace for the process to
// exit, then SIGKILLs the group; it returns once the process is reaped.
func (p *process) terminate(grace time.Duration) error {
	if p.exited() {
		return nil
	}
	if err := terminateGroup(p.cmd.Process); err != nil {
		return p.kill()
	}
	timer := time.NewTimer(grace)
	defer timer.Stop()
	select {
	case <-p.done:
		// SIGTERM reaches every group member; make sure none is left.
		return killGroup(p.cmd.Process)
	case <-timer.C:
		return p.kill()
	}
}
