package cluster

import "github.com/txtarantool/txtarantool/client"

// Stats is a snapshot of a cluster's counters (Cluster.Stats): each
// instance's client.Stats by instance name, and their sum.
type Stats struct {
	// Total sums the instances' counters and current values; its
	// LastError is the most recent of theirs.
	Total client.Stats
	// Instances holds each instance's own stats, by its name (Instance.Name).
	// An instance removed from the cluster is no longer in it, nor in
	// Total.
	Instances map[string]client.Stats
}

// Stats returns a snapshot of the counters of every instance's client
// (see client.Client.Stats): the requests the cluster routed to it,
// including the cluster's own role polls, which are requests of those
// clients too; connects, reconnects and so on. Cost: one client.Stats per
// instance and one map.
func (c *Cluster) Stats() Stats {
	members := *c.members.Load()
	s := Stats{Instances: make(map[string]client.Stats, len(members))}
	all := make([]client.Stats, 0, len(members))
	for _, m := range members {
		ms := m.c.Stats()
		s.Instances[m.name] = ms
		all = append(all, ms)
	}
	s.Total = client.SumStats(all...)
	return s
}
