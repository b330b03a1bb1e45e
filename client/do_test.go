package client_test

import (
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/tarantool/go-iproto"

	"github.com/txtarantool/txtarantool/client"
)

// rawPing is an IPROTO_PING built by hand: a request type of the test's
// own, not one the client knows.
type rawPing struct{}

func (rawPing) Type() iproto.Type { return iproto.IPROTO_PING }

func (rawPing) AppendBody(dst []byte) ([]byte, error) { return append(dst, 0x80), nil }

// rawCall is an IPROTO_CALL of echo(1, 2) with its body encoded by hand.
type rawCall struct{}

func (rawCall) Type() iproto.Type { return iproto.IPROTO_CALL }

func (rawCall) AppendBody(dst []byte) ([]byte, error) {
	dst = append(dst, 0x82, byte(iproto.IPROTO_FUNCTION_NAME), 0xa4, 'e', 'c', 'h', 'o')
	return append(dst, byte(iproto.IPROTO_TUPLE), 0x92, 0x01, 0x02), nil
}

// errBody is the error of brokenRequest's encoder.
var errBody = errors.New("test: cannot encode this body")

// brokenRequest is a request whose body cannot be encoded.
type brokenRequest struct{}

func (brokenRequest) Type() iproto.Type { return iproto.IPROTO_CALL }

func (brokenRequest) AppendBody(dst []byte) ([]byte, error) { return dst, errBody }

// TestDoCustomRequests sends requests of the test's own types to the real
// server with Do, on a client, a pool and a stream, and checks their
// responses, errors, tracing and recycling.
func TestDoCustomRequests(t *testing.T) {
	rec := newRecordingTracer()
	c := dialShared(t, withTracer(rec))
	ctx := testContext(t)

	r, err := c.Do(ctx, rawPing{}).Await(ctx)
	require.NoError(t, err)
	assert.Equal(t, iproto.IPROTO_PING, rec.last(t).req.Kind)
	r.Release()

	r, err = c.Do(ctx, rawCall{}).Await(ctx)
	require.NoError(t, err)
	var got []int
	require.NoError(t, r.Decode(&got))
	assert.Equal(t, []int{1, 2}, got)
	tr := rec.last(t)
	assert.Equal(t, iproto.IPROTO_CALL, tr.req.Kind)
	assert.Equal(t, client.OutcomeOK, tr.end.Outcome)
	assert.Positive(t, tr.end.BytesSent)
	r.Release()

	// A body that cannot be encoded: an *EncodeError, nothing sent, the
	// connection unharmed.
	_, err = c.Do(ctx, brokenRequest{}).Await(ctx)
	var encErr *client.EncodeError
	require.ErrorAs(t, err, &encErr)
	require.ErrorIs(t, err, errBody)
	require.ErrorIs(t, err, client.ErrNotSent)
	tr = rec.last(t)
	assert.Equal(t, client.OutcomeInvalid, tr.end.Outcome)
	assert.Zero(t, tr.end.BytesSent)
	assert.Zero(t, client.QueuedBytes(c))
	_, err = c.Do(ctx, rawPing{}).Await(ctx)
	require.NoError(t, err)

	// A nil request.
	_, err = c.Do(ctx, nil).Await(ctx)
	var argErr *client.ArgumentError
	require.ErrorAs(t, err, &argErr)
	require.ErrorIs(t, err, client.ErrNilRequest)
	assert.Equal(t, client.OutcomeInvalid, rec.last(t).end.Outcome)

	// The same on a pool, through the Conn interface.
	p, err := client.DialPool(ctx, requireServer(t).Addr(), 2, testOptions())
	require.NoError(t, err)
	t.Cleanup(func() { _ = p.Close() })
	var conn client.Conn = p
	r, err = conn.Do(ctx, rawCall{}).Await(ctx)
	require.NoError(t, err)
	require.NoError(t, r.Decode(&got))
	assert.Equal(t, []int{1, 2}, got)
	_, err = conn.Do(ctx, brokenRequest{}).Await(ctx)
	require.ErrorIs(t, err, errBody)

	// On a stream, the request carries the stream's id (or fails before
	// sending on a server without streams).
	st := c.NewStream()
	_, err = st.Do(ctx, rawPing{}).Await(ctx)
	if c.ServerInfo().Has(iproto.IPROTO_FEATURE_STREAMS) {
		require.NoError(t, err)
	} else {
		var fe *client.FeatureError
		require.ErrorAs(t, err, &fe)
	}
	assert.Equal(t, st.ID(), rec.last(t).req.StreamID)
}
