package protocol

import (
	"encoding/binary"
	"time"

	"github.com/vmihailenco/msgpack/v5"
)

// Datetime is a Tarantool datetime (MessagePack extension 4, Tarantool
// 2.10+) with the time zone index the server sent. Time carries the instant
// and the UTC offset (as a time.FixedZone with an empty name; UTC when the
// offset is 0). TzIndex is Tarantool's index of a named zone (its tzdata
// table, e.g. for tz = 'Europe/Moscow'); 0 means the value had no named
// zone, only the offset.
//
// [DecodeValue] returns a Datetime only when TzIndex is not 0, and a plain
// time.Time otherwise, so values without a named zone decode as before.
// Decode into a Datetime field (it implements msgpack.CustomDecoder) to get
// a Datetime in both cases. Decoding one with a non-zero offset allocates
// its time.FixedZone location, as decoding a time.Time does.
type Datetime struct {
	Time    time.Time
	TzIndex int16
}

// decodeDatetimePayload decodes a Tarantool datetime (ext 4) payload: 8
// bytes of little-endian seconds since the epoch, optionally followed by a
// 4-byte nanoseconds, a 2-byte time zone offset in minutes and a 2-byte time
// zone index.
func decodeDatetimePayload(p []byte) (Datetime, error) {
	if len(p) != 8 && len(p) != 16 {
		return Datetime{}, malformed(-1, "datetime extension payload is not 8 or 16 bytes")
	}
	sec := int64(binary.LittleEndian.Uint64(p))
	var nsec int32
	var offMin, tzIndex int16
	if len(p) == 16 {
		nsec = int32(binary.LittleEndian.Uint32(p[8:]))
		offMin = int16(binary.LittleEndian.Uint16(p[12:]))
		tzIndex = int16(binary.LittleEndian.Uint16(p[14:]))
	}
	if nsec < 0 || nsec >= 1e9 {
		return Datetime{}, malformed(-1, "datetime nanoseconds out of range")
	}
	t := time.Unix(sec, int64(nsec))
	if offMin == 0 {
		return Datetime{Time: t.UTC(), TzIndex: tzIndex}, nil
	}
	return Datetime{Time: t.In(time.FixedZone("", int(offMin)*60)), TzIndex: tzIndex}, nil
}

// appendDatetime appends t as a Tarantool datetime extension (ext 4). The
// zone is kept as its UTC offset in minutes (seconds are dropped); tzIndex
// is written as given. The 8-byte form is used when nanoseconds, offset and
// index are all 0.
func appendDatetime(dst []byte, t time.Time, tzIndex int16) []byte {
	_, off := t.Zone()
	nsec := t.Nanosecond()
	offMin := off / 60
	if nsec == 0 && offMin == 0 && tzIndex == 0 {
		dst = AppendExtHeader(dst, ExtDatetime, 8)
		return binary.LittleEndian.AppendUint64(dst, uint64(t.Unix()))
	}
	dst = AppendExtHeader(dst, ExtDatetime, 16)
	dst = binary.LittleEndian.AppendUint64(dst, uint64(t.Unix()))
	dst = binary.LittleEndian.AppendUint32(dst, uint32(nsec))
	dst = binary.LittleEndian.AppendUint16(dst, uint16(int16(offMin)))
	return binary.LittleEndian.AppendUint16(dst, uint16(tzIndex))
}

// AppendMsgpack appends d as a Tarantool datetime extension (type 4): the
// instant, the UTC offset of d.Time's zone in whole minutes, and d.TzIndex.
// It does not allocate unless dst grows.
func (d Datetime) AppendMsgpack(dst []byte) []byte {
	return appendDatetime(dst, d.Time, d.TzIndex)
}

// EncodeMsgpack implements msgpack.CustomEncoder so that Datetime fields
// encode as the Tarantool extension inside values handled by
// github.com/vmihailenco/msgpack/v5, without registering anything globally.
// It allocates a small buffer.
func (d Datetime) EncodeMsgpack(enc *msgpack.Encoder) error {
	_, err := enc.Writer().Write(d.AppendMsgpack(make([]byte, 0, 18)))
	return err
}

// DecodeMsgpack implements msgpack.CustomDecoder: it reads a datetime
// extension (type 4, 8 or 16 bytes), keeping the offset and the zone index.
// Nil sets d to the zero Datetime. It allocates only the fixed zone of a
// non-zero offset.
func (d *Datetime) DecodeMsgpack(dec *msgpack.Decoder) error {
	if c, err := dec.PeekCode(); err == nil && c == mpNil {
		*d = Datetime{}
		return dec.DecodeNil()
	}
	typ, n, err := dec.DecodeExtHeader()
	if err != nil {
		return err
	}
	if typ != ExtDatetime || (n != 8 && n != 16) {
		return &MalformedError{What: "expected a datetime extension (type 4, 8 or 16 bytes)", Offset: -1}
	}
	var b [16]byte
	if err := dec.ReadFull(b[:n]); err != nil {
		return err
	}
	v, err := decodeDatetimePayload(b[:n])
	if err != nil {
		return err
	}
	*d = v
	return nil
}
