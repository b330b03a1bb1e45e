package client_test

// Integration tests of the datetime (ext 4) and interval (ext 6) extension
// values, Tarantool 2.10+: the server's values decode with their time zone
// offset and index, and go back to the server unchanged. On older servers
// (Debian's 2.6) they skip; the encoding itself is checked against the
// documentation's bytes in protocol.

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/txtarantool/txtarantool/client"
	"github.com/txtarantool/txtarantool/protocol"
	"github.com/txtarantool/txtarantool/tarantooltest"
)

func TestDatetimeAndIntervalRoundTrip(t *testing.T) {
	t.Parallel()
	tarantooltest.RequireVersion(t, "2.10")
	c := dialShared(t)
	ctx := testContext(t)

	vals := awaitValues(t, c.Eval(ctx, `local datetime = require('datetime')
		return datetime.new{year = 2022, month = 8, day = 1, hour = 12, nsec = 500000000, tzoffset = 180},
			datetime.new{year = 2022, month = 8, day = 1, hour = 12, tz = 'Europe/Moscow'},
			datetime.interval.new{year = 1, month = 200, day = -77, hour = 5, adjust = 'last'}`))
	require.Len(t, vals, 3)

	// An offset only: a time.Time in a fixed zone.
	withOffset, ok := vals[0].(time.Time)
	require.True(t, ok, "%T", vals[0])
	require.True(t, time.Date(2022, 8, 1, 9, 0, 0, 5e8, time.UTC).Equal(withOffset), "%v", withOffset)
	_, off := withOffset.Zone()
	require.Equal(t, 180*60, off)

	// A named zone: a Datetime with the server's zone index.
	named, ok := vals[1].(protocol.Datetime)
	require.True(t, ok, "%T", vals[1])
	require.NotZero(t, named.TzIndex)
	_, off = named.Time.Zone()
	require.Equal(t, 180*60, off)
	require.True(t, time.Date(2022, 8, 1, 9, 0, 0, 0, time.UTC).Equal(named.Time), "%v", named.Time)

	iv, ok := vals[2].(protocol.Interval)
	require.True(t, ok, "%T", vals[2])
	require.Equal(t, protocol.Interval{Year: 1, Month: 200, Day: -77, Hour: 5, Adjust: protocol.AdjustLast}, iv)

	// Sent back, the server sees the same values.
	require.Equal(t, []any{int64(180), int64(180), "Europe/Moscow", int64(1), int64(200), int64(-77), int64(5), true},
		awaitValues(t, c.Eval(ctx, `local d, n, i = ...
			local datetime = require('datetime')
			return d.tzoffset, n.tzoffset, n.tz, i.year, i.month, i.day, i.hour,
				n == datetime.new{year = 2022, month = 8, day = 1, hour = 12, tz = 'Europe/Moscow'}`,
			withOffset, named, iv)))
	require.Equal(t, vals, awaitValues(t, c.Eval(ctx, "return ...", withOffset, named, iv)))

	// Typed decoding through the msgpack library.
	typed, err := client.Tuples[protocol.Interval](c.Eval(ctx, "return ...", iv)).Await(ctx)
	require.NoError(t, err)
	require.Equal(t, []protocol.Interval{iv}, typed)
	dts, err := client.Tuples[protocol.Datetime](c.Eval(ctx, "return ...", named, withOffset)).Await(ctx)
	require.NoError(t, err)
	require.Len(t, dts, 2)
	require.Equal(t, named.TzIndex, dts[0].TzIndex)
	require.Zero(t, dts[1].TzIndex)
	require.True(t, withOffset.Equal(dts[1].Time))
}
