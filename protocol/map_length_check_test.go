package protocol

import (
	"errors"
	"reflect"
	"testing"

	"github.com/stretchr/testify/require"
)

type guardWithMap struct {
	//lint:ignore U1000 the msgpack library reads this field's as_array tag
	_msgpack struct{} `msgpack:",as_array"`
	M        map[string]any
}

type guardWithUUID struct {
	//lint:ignore U1000 the msgpack library reads this field's as_array tag
	_msgpack struct{} `msgpack:",as_array"`
	U        UUID
}

type guardTree struct {
	Children []*guardTree
	Meta     map[string]any
}

type guardPlain struct {
	Children []*guardPlain
	Counts   map[string]int
	Any      any
}

// TestDecodeExtWrappedMapHeader checks the guard against the msgpack
// library reading a map header inside an extension value and sizing a
// map[string]any from it: a declared 2^31 entries is malformed input,
// found without allocating the map, for a target holding such a map; a
// target without one decodes the same bytes with the library's own rules.
func TestDecodeExtWrappedMapHeader(t *testing.T) {
	// [ ext 2 (UUID) of 16 bytes: map 32 header declaring 2^31-1 entries, then 11 bytes ]
	hostile := append([]byte{0x91, 0xd8, 0x02, 0xdf, 0x7f, 0xff, 0xff, 0xff}, make([]byte, 11)...)

	var withMap guardWithMap
	var err error
	requireAllocatesLittle(t, func() { err = Decode(hostile, &withMap) })
	var malformed *MalformedError
	require.ErrorAs(t, err, &malformed)
	require.Contains(t, err.Error(), "extension payload declares a map longer than the data")

	// The same bytes are a UUID for a target without such a map.
	var withUUID guardWithUUID
	require.NoError(t, Decode(hostile, &withUUID))
	require.Equal(t, UUID{0xdf, 0x7f, 0xff, 0xff, 0xff}, withUUID.U)

	// A map header inside a payload that fits the data is left to the
	// library (which refuses an extension for a map, as it likes).
	fits := []byte{0x91, 0xc7, 0x04, 0x03, 0xde, 0x00, 0x01, 0xa0, 0xc0}
	err = Decode(fits, &withMap)
	require.False(t, errors.As(err, &malformed), "%v", err)
}

func TestHoldsStringAnyMap(t *testing.T) {
	for _, tc := range []struct {
		v    any
		want bool
	}{
		{map[string]any{}, true},
		{&[]map[string]any{}, true},
		{guardWithMap{}, true},
		{&guardTree{}, true},
		{map[int]map[string]any{}, true},
		{[2]struct{ M map[string]interface{} }{}, true},
		{guardWithUUID{}, false},
		{&guardPlain{}, false},
		{map[string]int{}, false},
		{map[string]error{}, false}, // a non-empty interface
		{[]any{}, false},
	} {
		require.Equal(t, tc.want, holdsStringAnyMap(reflect.TypeOf(tc.v)), "%T", tc.v)
	}
}
