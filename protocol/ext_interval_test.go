package protocol

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"github.com/vmihailenco/msgpack/v5"
)

// The example from Tarantool's MessagePack extensions documentation: 1
// year, 200 months and -77 days, with no adjust field.
const intervalDocExample = "c7090603000101ccc803d0b3"

func TestIntervalGoldenDocExample(t *testing.T) {
	v, rest, err := DecodeValue(mustHex(t, intervalDocExample))
	require.NoError(t, err)
	require.Empty(t, rest)
	require.Equal(t, Interval{Year: 1, Month: 200, Day: -77, Adjust: AdjustNone}, v)

	// Encoding adds the adjust field (id 8, wire value 1 = none).
	b := Interval{Year: 1, Month: 200, Day: -77}.AppendMsgpack(nil)
	require.Equal(t, mustHex(t, "c70b0604000101ccc803d0b30801"), b)
}

func TestIntervalRoundTrip(t *testing.T) {
	for _, iv := range []Interval{
		{},
		{Adjust: AdjustExcess},
		{Year: -1, Month: 2, Week: 3, Day: 4, Hour: -5, Min: 6, Sec: 7, Nsec: 308543321, Adjust: AdjustLast},
		{Sec: -1 << 63, Nsec: 1<<63 - 1},
		{Day: 1 << 40, Hour: -1 << 33, Adjust: AdjustExcess},
	} {
		b, err := AppendValue(nil, iv)
		require.NoError(t, err)
		v, rest, err := DecodeValue(b)
		require.NoError(t, err)
		require.Empty(t, rest)
		require.Equal(t, iv, v)

		// Through the msgpack library, as a struct field.
		type row struct {
			I Interval
			P *Interval
		}
		in := row{I: iv, P: &iv}
		lb, err := msgpack.Marshal(in)
		require.NoError(t, err)
		var out row
		require.NoError(t, Decode(lb, &out))
		require.Equal(t, in, out)
		var direct Interval
		require.NoError(t, msgpack.Unmarshal(b, &direct))
		require.Equal(t, iv, direct)
	}
}

func TestIntervalAdjustWire(t *testing.T) {
	// Tarantool numbers the modes excess 0, none 1, last 2.
	for wire, want := range []IntervalAdjust{AdjustExcess, AdjustNone, AdjustLast} {
		v, _, err := DecodeValue([]byte{mpExt8, 3, byte(ExtInterval), 0x01, 0x08, byte(wire)})
		require.NoError(t, err)
		require.Equal(t, Interval{Adjust: want}, v)
		b := Interval{Adjust: want}.AppendMsgpack(nil)
		require.Equal(t, byte(wire), b[len(b)-1])
	}
}

func TestIntervalMalformed(t *testing.T) {
	for name, s := range map[string]string{
		"unknown id":      "c70306010901",
		"repeated id":     "c705060200010002",
		"missing pair":    "d40601",
		"adjust 3":        "c703060108" + "03",
		"count too big":   "d4060a",
		"truncated pair":  "d5060200",
		"bytes left":      "c7040601000100",
		"uint64 overflow": "c70b060100cf8000000000000000",
		"string value":    "c703060100a0",
	} {
		t.Run(name, func(t *testing.T) {
			b := mustHex(t, s)
			_, _, err := DecodeValue(b)
			var m *MalformedError
			require.ErrorAs(t, err, &m)
			var iv Interval
			require.Error(t, Decode(b, &iv))
		})
	}
}

func TestDatetimeTzIndexRoundTrip(t *testing.T) {
	// 2022-08-01T12:00:00.5+03:00 with zone index 947 (as Tarantool sends
	// datetime.new{..., tz = 'Europe/Moscow'}; the index is the server's).
	tm := time.Date(2022, 8, 1, 12, 0, 0, 5e8, time.FixedZone("", 3*3600))
	in := Datetime{Time: tm, TzIndex: 947}
	b, err := AppendValue(nil, in)
	require.NoError(t, err)
	// ext 4, 16 bytes: seconds, nanoseconds, offset 180, index 947 (LE).
	require.Equal(t, mustHex(t, "d804"+"1096e76200000000"+"0065cd1d"+"b400"+"b303"), b)
	v, _, err := DecodeValue(b)
	require.NoError(t, err)
	got, ok := v.(Datetime)
	require.True(t, ok, "%T", v)
	require.Equal(t, int16(947), got.TzIndex)
	require.True(t, tm.Equal(got.Time))
	_, off := got.Time.Zone()
	require.Equal(t, 3*3600, off)

	// Through the msgpack library, as a struct field, and with no index.
	type row struct{ D, E Datetime }
	r := row{D: in, E: Datetime{Time: time.Unix(1, 0).UTC()}}
	lb, err := msgpack.Marshal(r)
	require.NoError(t, err)
	var out row
	require.NoError(t, Decode(lb, &out))
	require.Equal(t, r.D.TzIndex, out.D.TzIndex)
	require.True(t, r.D.Time.Equal(out.D.Time))
	require.Equal(t, r.E, out.E)

	// Without an index DecodeValue still gives a time.Time.
	v, _, err = DecodeValue(appendDatetime(nil, tm, 0))
	require.NoError(t, err)
	require.IsType(t, time.Time{}, v)
}

// FuzzInterval decodes arbitrary ext 6 payloads: DecodeValue and
// Decode(*Interval) agree, and whatever decodes re-encodes to a value that
// decodes the same.
func FuzzInterval(f *testing.F) {
	for _, s := range []string{
		intervalDocExample, "c70b0604000101ccc803d0b30801", "d40600", "d5060108",
		"c7030601080a", "c705060200010002", "c70b060100cf8000000000000000",
		"c7130609000101010201030104010501060107010801",
	} {
		b := mustHex(f, s)
		_, n, _, err := (&reader{buf: b}).extHeader()
		if err != nil {
			f.Fatalf("seed %s: %v", s, err)
		}
		f.Add(b[len(b)-n:])
	}
	f.Fuzz(func(t *testing.T, payload []byte) {
		ext := append(AppendExtHeader(nil, ExtInterval, uint32(len(payload))), payload...)
		v, _, err := DecodeValue(ext)
		var typed Interval
		typedErr := Decode(ext, &typed)
		if err != nil {
			checkMalformed(t, err, len(ext))
			if typedErr == nil {
				t.Fatalf("Decode(*Interval) accepted what DecodeValue rejects (%v): %+v", err, typed)
			}
			return
		}
		iv, ok := v.(Interval)
		if !ok || typedErr != nil || typed != iv {
			t.Fatalf("DecodeValue %#v; Decode(*Interval) %+v, %v", v, typed, typedErr)
		}
		enc := iv.AppendMsgpack(nil)
		v2, rest, err := DecodeValue(enc)
		if err != nil || len(rest) != 0 || v2 != iv {
			t.Fatalf("round trip of %+v: %#v, %v", iv, v2, err)
		}
	})
}

func TestTupleExtDecodesAsArray(t *testing.T) {
	// ext 7: format id 3, then the tuple [1, "a"].
	v, rest, err := DecodeValue(mustHex(t, "c70507039201a161"))
	require.NoError(t, err)
	require.Empty(t, rest)
	require.Equal(t, []any{int64(1), "a"}, v)

	var got any
	require.NoError(t, Decode(mustHex(t, "d5070090"), &got))
	require.Equal(t, []any{}, got)

	var m *MalformedError
	for name, s := range map[string]string{
		"truncated":  "c70307039201",
		"no array":   "d4070a",
		"not array":  "d50703a0",
		"bytes left": "c70407039000",
		"bad format": "d507a090",
	} {
		_, _, err := DecodeValue(mustHex(t, s))
		require.ErrorAs(t, err, &m, name)
	}
}

func TestIntervalAppendAndDecodeDoNotAllocate(t *testing.T) {
	iv := Interval{Year: -1, Month: 2, Day: 1 << 40, Nsec: 5, Adjust: AdjustLast}
	buf := make([]byte, 0, 128)
	b := iv.AppendMsgpack(buf)
	payload := b[3:] // ext 8 header: c7, length, type
	var got Interval
	allocs := testing.AllocsPerRun(100, func() {
		b = iv.AppendMsgpack(buf[:0])
		var err error
		if got, err = decodeIntervalPayload(payload); err != nil {
			t.Fatal(err)
		}
	})
	require.Zero(t, allocs)
	require.Equal(t, iv, got)
}
