package cluster

import (
	"context"
	"errors"
	"math/rand/v2"
)

// pick returns the instance a request of mode goes to now, or nil: among
// the connected instances of the role the mode wants, the one with the
// fewest requests in flight (client.Client.InFlight), the scan starting
// at a random position so that equals take turns. Cost: two atomic
// loads per instance, plus one per candidate.
func (c *Cluster) pick(mode Mode) *member {
	switch mode {
	case ModeRW:
		return c.least(RoleMaster)
	case ModeRO:
		return c.least(RoleReplica)
	case ModePreferRW:
		if m := c.least(RoleMaster); m != nil {
			return m
		}
		return c.least(RoleUnknown)
	case ModePreferRO:
		if m := c.least(RoleReplica); m != nil {
			return m
		}
		return c.least(RoleUnknown)
	default:
		return c.least(RoleUnknown)
	}
}

// least returns the connected instance of role r (RoleUnknown: any) with
// the fewest requests in flight, or nil.
func (c *Cluster) least(r Role) *member {
	ms := *c.members.Load()
	n := len(ms)
	if n == 0 {
		return nil
	}
	start := int(rand.Uint32N(uint32(n)))
	var best *member
	bestLoad := 0
	for i := range n {
		m := ms[(start+i)%n]
		if !m.usable(r) {
			continue
		}
		if load := m.c.InFlight(); best == nil || load < bestLoad {
			best, bestLoad = m, load
		}
	}
	return best
}

// missing is the error of a mode with no instance to go to.
func missing(mode Mode, cause error) error {
	err := ErrNoInstance
	switch mode {
	case ModeRW:
		err = ErrNoMaster
	case ModeRO:
		err = ErrNoReplica
	}
	return &RouteError{Mode: mode, Err: err, Cause: cause}
}

// waitMaster returns the master once one is known, taking one of
// Options.WaitForMaster places while it waits (none left, or none at all:
// a *RouteError at once). It ends with ctx (a *RouteError over ErrNoMaster
// and ctx's cause) or Close. cause is kept in the error.
func (c *Cluster) waitMaster(ctx context.Context, cause error) (*member, error) {
	if m := c.pick(ModeRW); m != nil {
		return m, nil
	}
	if !c.takeWait() {
		return nil, missing(ModeRW, cause)
	}
	defer c.waiting.Add(-1)
	return c.waitHeld(ctx, cause)
}

// takeWait takes one of the Options.WaitForMaster places, or reports that
// none is left. The caller gives it back with c.waiting.Add(-1).
func (c *Cluster) takeWait() bool {
	if n := c.waiting.Add(1); int(n) > c.opts.WaitForMaster {
		c.waiting.Add(-1)
		return false
	}
	return true
}

// waitHeld is waitMaster for a caller that holds a place.
func (c *Cluster) waitHeld(ctx context.Context, cause error) (*member, error) {
	for {
		sig := c.changes()
		if m := c.pick(ModeRW); m != nil {
			return m, nil
		}
		select {
		case <-sig:
		case <-ctx.Done():
			return nil, missing(ModeRW, errors.Join(cause, context.Cause(ctx)))
		case <-c.life.Done():
			return nil, closedError()
		}
	}
}
