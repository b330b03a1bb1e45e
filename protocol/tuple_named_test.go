package protocol

import (
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/vmihailenco/msgpack/v5"
)

// mustPack encodes v with the msgpack library (test data only).
func mustPack(t testing.TB, v any) []byte {
	t.Helper()
	b, err := msgpack.Marshal(v)
	require.NoError(t, err)
	return b
}

// appendMPTuple appends an MP_TUPLE (ext 7): a format id, then the tuple.
func appendMPTuple(dst []byte, id uint64, tuple []byte) []byte {
	payload := append(AppendUint(nil, id), tuple...)
	dst = AppendExtHeader(dst, ExtTuple, uint32(len(payload)))
	return append(dst, payload...)
}

var testFormat = []Field{{Name: "id", Type: "unsigned"}, {Name: "name", Type: "string"}, {Name: "age", Type: "unsigned", IsNullable: true}}

func TestDecodeFormat(t *testing.T) {
	raw := mustPack(t, []any{
		map[string]any{"name": "id", "type": "unsigned"},
		map[string]any{"name": "name", "type": "string", "collation": "unicode"},
		map[string]any{"type": "unsigned", "name": "age", "is_nullable": true},
		[]any{"old", "str"},
		map[string]any{"name": "anything"},
	})
	got, err := DecodeFormat(raw)
	require.NoError(t, err)
	assert.Equal(t, append(testFormat[:3:3], Field{Name: "old", Type: "str"}, Field{Name: "anything"}), got)

	empty, err := DecodeFormat([]byte{0x90})
	require.NoError(t, err)
	assert.Empty(t, empty)

	for name, bad := range map[string][]byte{
		"not an array":      {0x81},
		"truncated":         {0x91, 0x81, 0xa4, 'n', 'a'},
		"name not string":   mustPack(t, []any{map[string]any{"name": 1}}),
		"nullable not bool": mustPack(t, []any{map[string]any{"is_nullable": "yes"}}),
		"trailing bytes":    {0x90, 0x90},
		"key not string":    {0x91, 0x81, 0x01, 0x01},
	} {
		_, err := DecodeFormat(bad)
		var m *MalformedError
		assert.ErrorAs(t, err, &m, name)
	}
}

func TestDecodeTupleFormats(t *testing.T) {
	raw := mustPack(t, map[uint64]any{
		3: []any{map[string]any{"name": "id", "type": "unsigned"}},
		9: []any{},
	})
	got, err := DecodeTupleFormats(raw)
	require.NoError(t, err)
	assert.Equal(t, TupleFormats{3: {{Name: "id", Type: "unsigned"}}, 9: {}}, got)

	_, err = DecodeTupleFormats(mustPack(t, map[string]any{"x": []any{}}))
	var m *MalformedError
	assert.ErrorAs(t, err, &m)
	_, err = DecodeTupleFormats(append(mustPack(t, map[uint64]any{}), 0xc0))
	assert.ErrorAs(t, err, &m)
}

type person struct {
	Age  uint64 `msgpack:"age"`
	Name string `msgpack:"name"`
	ID   uint64 `msgpack:"id"`
}

func TestAppendNamed(t *testing.T) {
	data := mustPack(t, []any{
		[]any{1, "ann", 30},
		[]any{2, "bob"},            // shorter than the format
		[]any{3, "cy", 40, "xtra"}, // longer
	})
	out, err := AppendNamed(nil, data, testFormat, nil)
	require.NoError(t, err)

	var people []person
	require.NoError(t, Decode(out, &people))
	assert.Equal(t, []person{{30, "ann", 1}, {0, "bob", 2}, {40, "cy", 3}}, people)

	v, _, err := DecodeValue(out)
	require.NoError(t, err)
	assert.Equal(t, []any{
		map[string]any{"id": int64(1), "name": "ann", "age": int64(30)},
		map[string]any{"id": int64(2), "name": "bob"},
		map[string]any{"id": int64(3), "name": "cy", "age": int64(40)},
	}, normalizeInts(v))

	// A field without a name is left out.
	out, err = AppendNamed(nil, mustPack(t, []any{[]any{1, "x"}}), []Field{{Name: "id"}, {}}, nil)
	require.NoError(t, err)
	v, _, err = DecodeValue(out)
	require.NoError(t, err)
	assert.Equal(t, []any{map[string]any{"id": int64(1)}}, normalizeInts(v))
}

// normalizeInts turns every integer DecodeValue returns into int64, so
// tests need not care which width it picked.
func normalizeInts(v any) any {
	switch v := v.(type) {
	case []any:
		for i := range v {
			v[i] = normalizeInts(v[i])
		}
	case map[string]any:
		for k := range v {
			v[k] = normalizeInts(v[k])
		}
	case uint64:
		return int64(v)
	case int8, int16, int32, uint8, uint16, uint32, int:
		return toInt64(v)
	}
	return v
}

func toInt64(v any) int64 {
	switch v := v.(type) {
	case int8:
		return int64(v)
	case int16:
		return int64(v)
	case int32:
		return int64(v)
	case uint8:
		return int64(v)
	case uint16:
		return int64(v)
	case uint32:
		return int64(v)
	case int:
		return int64(v)
	}
	return 0
}

func TestAppendNamedMPTuple(t *testing.T) {
	formats := TupleFormats{5: testFormat, 6: {{Name: "k"}}}
	data := AppendArrayHeader(nil, 2)
	data = appendMPTuple(data, 5, mustPack(t, []any{7, "dee", 50}))
	data = appendMPTuple(data, 6, mustPack(t, []any{"v"}))
	out, err := AppendNamed(nil, data, nil, formats)
	require.NoError(t, err)
	v, _, err := DecodeValue(out)
	require.NoError(t, err)
	assert.Equal(t, []any{
		map[string]any{"id": int64(7), "name": "dee", "age": int64(50)},
		map[string]any{"k": "v"},
	}, normalizeInts(v))

	// The MP_TUPLE's own format wins over the space's.
	one, err := AppendNamedTuple(nil, appendMPTuple(nil, 6, mustPack(t, []any{"w"})), testFormat, formats)
	require.NoError(t, err)
	v, _, err = DecodeValue(one)
	require.NoError(t, err)
	assert.Equal(t, map[string]any{"k": "w"}, v)
}

func TestAppendNamedErrors(t *testing.T) {
	plain := mustPack(t, []any{[]any{1}})
	_, err := AppendNamed(nil, plain, nil, nil)
	assert.ErrorIs(t, err, ErrNoFormat)

	unknown := appendMPTuple(AppendArrayHeader(nil, 1), 42, mustPack(t, []any{1}))
	_, err = AppendNamed(nil, unknown, testFormat, TupleFormats{1: testFormat})
	assert.ErrorIs(t, err, ErrNoFormat)
	assert.Contains(t, err.Error(), "42")

	var m *MalformedError
	for name, bad := range map[string][]byte{
		"not an array":        {0x81, 0x01, 0x01},
		"scalar element":      {0x91, 0x05},
		"other extension":     {0x91, 0xd4, 0x01, 0x00},
		"truncated tuple":     {0x91, 0x92, 0x01},
		"trailing bytes":      {0x90, 0x01},
		"ext without id":      {0x91, 0xc7, 0x00, 0x07},
		"ext trailing":        append([]byte{0x91, 0xc7, 0x03, 0x07, 0x05, 0x90}, 0x01)[:7],
		"ext array truncated": {0x91, 0xc7, 0x02, 0x07, 0x05, 0x91},
	} {
		_, err := AppendNamed(nil, bad, testFormat, TupleFormats{5: testFormat})
		assert.ErrorAs(t, err, &m, name)
	}
}

func TestAppendPlainTuples(t *testing.T) {
	inner := mustPack(t, []any{1, "ann"})
	// [MP_TUPLE, [MP_TUPLE, 5], {"k": MP_TUPLE}, 2.5]
	b := AppendArrayHeader(nil, 4)
	b = appendMPTuple(b, 3, inner)
	b = AppendArrayHeader(b, 2)
	b = appendMPTuple(b, 3, inner)
	b = AppendUint(b, 5)
	b = AppendMapHeader(b, 1)
	b = AppendString(b, "k")
	b = appendMPTuple(b, 4, inner)
	b = AppendFloat64(b, 2.5)

	out, err := AppendPlainTuples(nil, b)
	require.NoError(t, err)
	want := mustPack(t, []any{[]any{1, "ann"}, []any{[]any{1, "ann"}, 5}, map[string]any{"k": []any{1, "ann"}}, 2.5})
	assert.Equal(t, want, out)

	// Other extensions are copied as they are.
	uuidish := []byte{0x91, 0xd8, 0x02, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16}
	out, err = AppendPlainTuples(nil, uuidish)
	require.NoError(t, err)
	assert.Equal(t, uuidish, out)

	var m *MalformedError
	for name, bad := range map[string][]byte{
		"truncated":        {0x92, 0x01},
		"tuple not array":  {0xd5, 0x07, 0x01, 0x02},
		"tuple trailing":   {0xd6, 0x07, 0x01, 0x90, 0xc0, 0xc0},
		"tuple without id": {0xc7, 0x01, 0x07, 0x90},
	} {
		_, err := AppendPlainTuples(nil, bad)
		assert.ErrorAs(t, err, &m, name)
	}
	deep := make([]byte, 0, MaxDepth+2)
	for i := 0; i <= MaxDepth; i++ {
		deep = append(deep, 0x91)
	}
	deep = append(deep, 0x01)
	_, err = AppendPlainTuples(nil, deep)
	assert.True(t, errors.Is(err, ErrTooDeep), "%v", err)
}

func FuzzAppendNamed(f *testing.F) {
	f.Add(mustPack(f, []any{[]any{1, "ann", 30}}))
	f.Add(appendMPTuple(AppendArrayHeader(nil, 1), 5, mustPack(f, []any{1, "x"})))
	f.Add([]byte{0x91, 0xc7, 0x02, 0x07, 0x05, 0x91})
	f.Fuzz(func(t *testing.T, data []byte) {
		out, err := AppendNamed(nil, data, testFormat, TupleFormats{5: testFormat})
		if err == nil {
			// What AppendNamed produces is valid msgpack: one array.
			if _, err := SkipValue(out); err != nil {
				t.Fatalf("output not valid: %v", err)
			}
		}
		plain, err := AppendPlainTuples(nil, data)
		if err == nil {
			if rest, err := SkipValue(plain); err != nil || len(rest) != 0 {
				t.Fatalf("plain output not one value: %v", err)
			}
		}
	})
}
