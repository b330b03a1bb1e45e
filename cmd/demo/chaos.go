package main

import (
	"context"
	"fmt"
	"time"
)

// chaosPlan says when --chaos kills the local server and restarts it.
// Times count from the start of the request loop.
type chaosPlan struct {
	// firstKill is when the first SIGKILL comes.
	firstKill time.Duration
	// down is how long the server stays dead before the restart.
	down time.Duration
	// up is how long the server runs after a restart (once ready) before
	// the next kill. Keep it above the reconnect policy's longest delay,
	// or the client may not reconnect in between.
	up time.Duration
	// rounds is the number of kill-and-restart cycles.
	rounds int
	// tail is how long the loop goes on after the last restart, to show
	// the client back at work.
	tail time.Duration
}

// defaultChaos is `make demo`'s story, about 15 s in all.
func defaultChaos() chaosPlan {
	return chaosPlan{firstKill: 4 * time.Second, down: 2500 * time.Millisecond, up: 3 * time.Second, rounds: 2, tail: 2500 * time.Millisecond}
}

// String describes the plan in one line.
func (c chaosPlan) String() string {
	times := fmt.Sprintf("%d times", c.rounds)
	switch c.rounds {
	case 1:
		times = "once"
	case 2:
		times = "twice"
	}
	return fmt.Sprintf("kill -9 the server at %v, restart it %v later, %s", c.firstKill, c.down, times)
}

// runChaos kills and restarts srv per plan. It returns nil when the plan
// is done or ctx ends, and an error if a restart fails.
func runChaos(ctx context.Context, srv *localServer, plan chaosPlan, p *printer) error {
	if !sleep(ctx, plan.firstKill) {
		return nil
	}
	for round := 1; round <= plan.rounds; round++ {
		if err := srv.kill(p); err != nil {
			return fmt.Errorf("killing tarantool: %w", err)
		}
		if !sleep(ctx, plan.down) {
			return nil
		}
		if err := srv.restart(ctx, p); err != nil {
			if ctx.Err() != nil {
				return nil
			}
			return err
		}
		if round < plan.rounds && !sleep(ctx, plan.up) {
			return nil
		}
	}
	return nil
}

// sleep waits d, or returns false as soon as ctx ends.
func sleep(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	}
}
