package client_test

// Pool.ServerInfo and Options.RequiredFeatures in a pool: what the first
// connected member announced; the required features checked on every
// member's connection.

import (
	"testing"

	"github.com/stretchr/testify/require"
	"github.com/tarantool/go-iproto"

	"github.com/txtarantool/txtarantool/client"
	"github.com/txtarantool/txtarantool/internal/fakeiproto"
	"github.com/txtarantool/txtarantool/protocol"
)

// TestPoolServerInfo: a pool reports what its first connected member's
// server announced (a copy), the zero ServerInfo with no member up.
func TestPoolServerInfo(t *testing.T) {
	srv := startFake(t, fakeiproto.Modern(namesAnnounce))
	p, err := client.DialPool(testContext(t), srv.Addr(), 3, fakeOptions())
	require.NoError(t, err)
	info := p.ServerInfo()
	require.Equal(t, client.ServerInfo{Version: protocol.Version{Major: 3, Minor: 1}, ProtocolVersion: 6,
		Features: namesAnnounce.Features, AuthType: "chap-sha1"}, info)
	require.Equal(t, p.Members()[0].ServerInfo(), info)
	info.Features[0] = 99
	require.Equal(t, namesAnnounce.Features, p.ServerInfo().Features, "a copy")

	// With the first member down, the next one answers.
	require.NoError(t, p.Members()[0].Close())
	require.Equal(t, namesAnnounce.Features, p.ServerInfo().Features)
	require.NoError(t, p.Close())
	require.Equal(t, client.ServerInfo{}, p.ServerInfo())
}

// TestPoolRequiredFeatures: RequiredFeatures hold for each member: a pool
// whose second connection reaches a server lacking one fails to dial with
// the *FeatureError (the other members closed); with every member's
// server announcing them, it dials.
func TestPoolRequiredFeatures(t *testing.T) {
	required := func(o *client.Options) { o.RequiredFeatures = []iproto.Feature{iproto.IPROTO_FEATURE_IS_SYNC} }
	srv := startFake(t, fakeiproto.Modern(namesAnnounce), fakeiproto.Modern(modernAnnounce))
	p, err := client.DialPool(testContext(t), srv.Addr(), 2, fakeOptions(required))
	require.Nil(t, p)
	var fe *client.FeatureError
	require.ErrorAs(t, err, &fe)
	require.Equal(t, []iproto.Feature{iproto.IPROTO_FEATURE_IS_SYNC}, fe.Missing)
	require.Equal(t, 2, srv.Accepted())

	srv = startFake(t, fakeiproto.Modern(namesAnnounce))
	p, err = client.DialPool(testContext(t), srv.Addr(), 2, fakeOptions(required))
	require.NoError(t, err)
	require.True(t, p.ServerInfo().Has(iproto.IPROTO_FEATURE_IS_SYNC))
	require.NoError(t, p.Close())
}
