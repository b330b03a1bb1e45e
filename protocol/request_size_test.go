package protocol

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestSizeAtLeast: the bound never exceeds the encoded body, is close for
// large strings, and says unknown for values it does not walk.
func TestSizeAtLeast(t *testing.T) {
	big := strings.Repeat("x", 1<<20)
	args := []any{1, "a", big, []byte("bin"), map[string]any{"k": big}, map[any]any{1: "v"}, nil, true, 2.5, RawMsgpack{0x91, 0x01}}
	for _, tc := range []struct {
		req   Request
		known bool
	}{
		{Ping{}, true},
		{&Commit{}, true},
		{&Call{Function: "f", Args: &args}, true},
		{&Call{Function: "f", Args: args}, true},
		{&Eval{Expr: "return ...", Args: []any{big}}, true},
		{&Execute{SQL: "SELECT ?", Args: []any{big}}, true},
		{&Prepare{SQL: "SELECT 1"}, true},
		{&Insert{Space: 512, Tuple: []any{1, big}}, true},
		{&Replace{Space: 512, Tuple: []any{1, big}}, true},
		{&Delete{Space: 512, Key: []any{big}}, true},
		{&Select{Space: 512, Key: []any{1}, After: []byte("pos")}, true},
		{&Select{Space: 512, AfterTuple: []any{1}}, false},
		{&Update{Space: 512, Key: []any{1}, Ops: []Op{OpAssign(1, big), OpSplice(2, 0, 1, big)}}, true},
		{&Upsert{Space: 512, Tuple: []any{1}, Ops: []Op{OpAssign(1, big)}}, true},
		{&Insert{Space: 512, Tuple: sizedRow{A: big}}, false},
		{&Insert{Space: 512, Tuple: []string{big}}, false},
	} {
		n, known := SizeAtLeast(tc.req)
		body, err := tc.req.AppendBody(nil)
		require.NoError(t, err, "%T", tc.req)
		assert.LessOrEqual(t, n, len(body), "%T %+v", tc.req, tc.req)
		assert.Equal(t, tc.known, known, "%T", tc.req)
		if known && strings.Contains(string(body), big) {
			assert.Greater(t, n, len(big), "%T: a large string counts", tc.req)
		}
	}
	n, known := SizeAtLeast(&Auth{User: "u"})
	assert.False(t, known, "a request type it does not know")
	assert.Zero(t, n)

	// Deep nesting stops the walk.
	var deep any = "x"
	for i := 0; i < 40; i++ {
		deep = []any{deep}
	}
	_, known = SizeAtLeast(&Call{Function: "f", Args: []any{deep}})
	assert.False(t, known)
}

// sizedRow is a struct tuple: SizeAtLeast does not walk it.
type sizedRow struct {
	//lint:ignore U1000 the msgpack library reads this field's as_array tag
	_msgpack struct{} `msgpack:",as_array"`
	A        string
}

func TestAppendFrameBody(t *testing.T) {
	req := &Call{Function: "f", Args: []any{1, "two"}}
	h := Header{Sync: 7, SchemaVersion: 3, StreamID: 9}
	want, err := AppendFrame([]byte("prefix"), h, req)
	require.NoError(t, err)
	body, err := req.AppendBody(nil)
	require.NoError(t, err)
	got, err := AppendFrameBody([]byte("prefix"), h, req.Type(), body)
	require.NoError(t, err)
	assert.Equal(t, want, got)
}
