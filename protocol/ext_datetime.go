package protocol

import (
	"encoding/binary"
	"time"
)

// decodeDatetimePayload decodes a Tarantool datetime (ext 4) payload: 8
// bytes of little-endian seconds since the epoch, optionally followed by a
// 4-byte nanoseconds, a 2-byte time zone offset in minutes and a 2-byte time
// zone index.
func decodeDatetimePayload(p []byte) (time.Time, error) {
	if len(p) != 8 && len(p) != 16 {
		return time.Time{}, malformed(-1, "datetime extension payload is not 8 or 16 bytes")
	}
	sec := int64(binary.LittleEndian.Uint64(p))
	var nsec int32
	var offMin int16
	if len(p) == 16 {
		nsec = int32(binary.LittleEndian.Uint32(p[8:]))
		offMin = int16(binary.LittleEndian.Uint16(p[12:]))
	}
	if nsec < 0 || nsec >= 1e9 {
		return time.Time{}, malformed(-1, "datetime nanoseconds out of range")
	}
	t := time.Unix(sec, int64(nsec))
	if offMin == 0 {
		return t.UTC(), nil
	}
	return t.In(time.FixedZone("", int(offMin)*60)), nil
}

// appendDatetime appends t as a Tarantool datetime extension (ext 4). The
// zone is kept as its UTC offset in minutes; the time zone index is 0.
func appendDatetime(dst []byte, t time.Time) []byte {
	_, off := t.Zone()
	nsec := t.Nanosecond()
	offMin := off / 60
	if nsec == 0 && offMin == 0 {
		dst = AppendExtHeader(dst, ExtDatetime, 8)
		return binary.LittleEndian.AppendUint64(dst, uint64(t.Unix()))
	}
	dst = AppendExtHeader(dst, ExtDatetime, 16)
	dst = binary.LittleEndian.AppendUint64(dst, uint64(t.Unix()))
	dst = binary.LittleEndian.AppendUint32(dst, uint32(nsec))
	dst = binary.LittleEndian.AppendUint16(dst, uint16(int16(offMin)))
	return binary.LittleEndian.AppendUint16(dst, 0)
}
