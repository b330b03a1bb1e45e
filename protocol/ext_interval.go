package protocol

import (
	"github.com/vmihailenco/msgpack/v5"
)

// IntervalAdjust says how adding an Interval's months and years to a date
// treats a day that the target month lacks (Tarantool's adjust option).
// The zero value is AdjustNone, Tarantool's default.
type IntervalAdjust uint8

const (
	// AdjustNone keeps the day but limits it to the target month's last
	// day (Jan 31 + 1 month = Feb 28/29). Tarantool's "none".
	AdjustNone IntervalAdjust = iota
	// AdjustExcess lets the day overflow into the next month (Jan 31 + 1
	// month = Mar 2/3). Tarantool's "excess".
	AdjustExcess
	// AdjustLast snaps a last day of a month to the target month's last
	// day. Tarantool's "last".
	AdjustLast
)

// Wire values of the adjust field (id 8): Tarantool numbers its modes
// excess 0, none 1, last 2.
const (
	wireAdjustExcess = 0
	wireAdjustNone   = 1
	wireAdjustLast   = 2
)

// Interval field ids in the MP_INTERVAL payload.
const (
	ivYear = iota
	ivMonth
	ivWeek
	ivDay
	ivHour
	ivMinute
	ivSecond
	ivNsec
	ivAdjust
	ivFields
)

// intervalMaxPayload is the longest payload a valid interval can have.
const intervalMaxPayload = 9 + ivFields*18

// Interval is a Tarantool datetime interval (MessagePack extension 6,
// Tarantool 2.10+), as datetime.interval.new{...} builds it: signed counts
// of each unit, kept apart (1 month is not 30 days) and not normalised, and
// the adjust mode. [DecodeValue] returns it for ext 6; fields of type
// Interval decode and encode through the msgpack library (it implements
// msgpack.CustomEncoder and msgpack.CustomDecoder). The value is 72 bytes;
// encoding and decoding it allocate nothing, except DecodeValue boxing it in
// an any.
type Interval struct {
	Year, Month, Week, Day int64
	Hour, Min, Sec, Nsec   int64
	Adjust                 IntervalAdjust
}

// fields returns i's counts indexed by field id (ivYear … ivNsec).
func (i *Interval) fields() [ivAdjust]*int64 {
	return [ivAdjust]*int64{&i.Year, &i.Month, &i.Week, &i.Day, &i.Hour, &i.Min, &i.Sec, &i.Nsec}
}

// AppendMsgpack appends i as a Tarantool interval extension (type 6): the
// number of fields, then (field id, value) pairs for each non-zero count
// and, always, the adjust mode (so the server never falls back to its own
// default). Integers are written compactly. It does not allocate unless dst
// grows; the payload is at most 83 bytes.
func (i Interval) AppendMsgpack(dst []byte) []byte {
	f := i.fields()
	n, size := 1, 1+2 // count byte; adjust id and value (fixints)
	for _, p := range f {
		if *p != 0 {
			n++
			size += 1 + intSize(*p)
		}
	}
	dst = AppendExtHeader(dst, ExtInterval, uint32(size))
	dst = append(dst, byte(n))
	for id, p := range f {
		if *p != 0 {
			dst = append(dst, byte(id))
			dst = AppendInt(dst, *p)
		}
	}
	return append(dst, ivAdjust, byte(i.Adjust.wire()))
}

func (a IntervalAdjust) wire() int {
	switch a {
	case AdjustExcess:
		return wireAdjustExcess
	case AdjustLast:
		return wireAdjustLast
	}
	return wireAdjustNone
}

// decodeIntervalPayload decodes an MP_INTERVAL payload: an MP uint count,
// then that many pairs of an MP uint field id (0 year … 7 nanosecond, 8
// adjust) and an MP int value, filling the whole payload. A field absent is
// 0; an absent adjust is AdjustNone. Unknown ids, repeated ids, values that
// overflow int64 and unknown adjust modes are a *MalformedError.
func decodeIntervalPayload(p []byte) (Interval, error) {
	r := reader{buf: p}
	n, err := r.uint()
	if err != nil {
		return Interval{}, err
	}
	if n > ivFields {
		return Interval{}, malformed(0, "interval has more fields than there are field ids")
	}
	var iv Interval
	f := iv.fields()
	var seen uint16
	for range n {
		at := r.off
		id, err := r.uint()
		if err != nil {
			return Interval{}, err
		}
		if id >= ivFields {
			return Interval{}, malformed(at, "unknown interval field id")
		}
		if seen&(1<<id) != 0 {
			return Interval{}, malformed(at, "repeated interval field id")
		}
		seen |= 1 << id
		at = r.off
		v, err := r.int()
		if err != nil {
			return Interval{}, err
		}
		if id < ivAdjust {
			*f[id] = v
			continue
		}
		switch v {
		case wireAdjustNone:
			iv.Adjust = AdjustNone
		case wireAdjustExcess:
			iv.Adjust = AdjustExcess
		case wireAdjustLast:
			iv.Adjust = AdjustLast
		default:
			return Interval{}, malformed(at, "unknown interval adjust mode")
		}
	}
	if r.remaining() != 0 {
		return Interval{}, malformed(r.off, "bytes left after the interval's fields")
	}
	return iv, nil
}

// EncodeMsgpack implements msgpack.CustomEncoder so that Interval fields
// encode as the Tarantool extension inside values handled by
// github.com/vmihailenco/msgpack/v5, without registering anything globally.
// It allocates a small buffer.
func (i Interval) EncodeMsgpack(enc *msgpack.Encoder) error {
	_, err := enc.Writer().Write(i.AppendMsgpack(make([]byte, 0, 88)))
	return err
}

// DecodeMsgpack implements msgpack.CustomDecoder: it reads an interval
// extension (type 6). Nil sets i to the zero Interval. It does not allocate.
func (i *Interval) DecodeMsgpack(dec *msgpack.Decoder) error {
	if c, err := dec.PeekCode(); err == nil && c == mpNil {
		*i = Interval{}
		return dec.DecodeNil()
	}
	typ, n, err := dec.DecodeExtHeader()
	if err != nil {
		return err
	}
	// The longest valid payload: a count and 9 (id, value) pairs, each
	// integer in its widest (9-byte) form.
	if typ != ExtInterval || n < 1 || n > intervalMaxPayload {
		return &MalformedError{What: "expected an interval extension (type 6)", Offset: -1}
	}
	var b [intervalMaxPayload]byte
	if err := dec.ReadFull(b[:n]); err != nil {
		return err
	}
	v, err := decodeIntervalPayload(b[:n])
	if err != nil {
		return err
	}
	*i = v
	return nil
}
