package cluster_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/tarantool/go-iproto"

	"github.com/txtarantool/txtarantool/client"
	"github.com/txtarantool/txtarantool/cluster"
)

// rawCall is an IPROTO_CALL of f() encoded by hand: a request type of the
// test's own.
type rawCall struct{}

func (rawCall) Type() iproto.Type { return iproto.IPROTO_CALL }

func (rawCall) AppendBody(dst []byte) ([]byte, error) {
	return append(dst, 0x82, byte(iproto.IPROTO_FUNCTION_NAME), 0xa1, 'f', byte(iproto.IPROTO_TUPLE), 0x90), nil
}

// rawSelect is an IPROTO_SELECT on space 512 encoded by hand.
type rawSelect struct{}

func (rawSelect) Type() iproto.Type { return iproto.IPROTO_SELECT }

func (rawSelect) AppendBody(dst []byte) ([]byte, error) {
	return append(dst, 0x82, byte(iproto.IPROTO_SPACE_ID), 0xcd, 0x02, 0x00, byte(iproto.IPROTO_KEY), 0x90), nil
}

// TestDoRoutesAndStats: Do goes to the master by default (CallMode RW),
// by the view's mode on a view; a nil request fails at once; Stats counts
// each instance's requests, by name, and their sum.
func TestDoRoutesAndStats(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	m, r1 := startFake(t, "i1", false, false), startFake(t, "i2", true, false)
	c, err := cluster.Dial(ctx, instances(m, r1), fakeOptions())
	require.NoError(t, err)
	defer c.Close()

	before := c.Stats()
	for range 3 {
		require.Equal(t, "i1", who(t, c.Do(ctx, rawCall{})))
		require.Equal(t, "i2", who(t, c.Mode(cluster.ModeRO).Do(ctx, rawSelect{})))
	}
	var conn client.Conn = c
	require.Equal(t, "i1", who(t, conn.Do(ctx, rawCall{})))
	_, err = c.Do(ctx, nil).Await(ctx)
	require.ErrorIs(t, err, client.ErrNilRequest)

	s := c.Stats()
	require.Len(t, s.Instances, 2)
	// The role polls are requests of the instances' clients too: compare
	// with the counts before, and allow for polls meanwhile.
	okOf := func(st client.Stats) uint64 { return st.Requests[client.OutcomeOK] }
	assert.GreaterOrEqual(t, okOf(s.Instances["i1"])-okOf(before.Instances["i1"]), uint64(4))
	assert.GreaterOrEqual(t, okOf(s.Instances["i2"])-okOf(before.Instances["i2"]), uint64(3))
	assert.Equal(t, okOf(s.Instances["i1"])+okOf(s.Instances["i2"]), okOf(s.Total))
	assert.Equal(t, uint64(1), s.Total.Requests[client.OutcomeInvalid], "the nil request")
	assert.Equal(t, uint64(2), s.Total.Connects)
}
