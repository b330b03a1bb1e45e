package protocol

import (
	"math/big"
	"strconv"

	"github.com/vmihailenco/msgpack/v5"
)

// DecimalMaxDigits is the largest number of significant digits a Tarantool
// decimal holds.
const DecimalMaxDigits = 38

// decimalMaxScale bounds the scale accepted from strings and from the wire,
// so that String stays short. Tarantool itself produces scales within
// [-37, 38].
const decimalMaxScale = 1000

// decimalMaxPayload is the longest ext 1 payload a valid decimal can have:
// a 9-byte scale plus 38 digits and a sign nibble.
const decimalMaxPayload = 9 + (DecimalMaxDigits+2)/2

// Decimal is a Tarantool decimal (MessagePack extension 1): a signed
// coefficient of at most DecimalMaxDigits decimal digits and a scale, with
// value coefficient × 10^-scale. The scale is kept as given, so "1.10" and
// "1.1" are different values, as in Tarantool; negative zero is kept too.
// The zero Decimal is 0. Decimal is comparable; it does not allocate to
// encode.
type Decimal struct {
	digits [DecimalMaxDigits]byte // coefficient, most significant first, 0..9; unused entries are 0
	n      uint8                  // number of significant digits (0 for a zero coefficient)
	neg    bool
	scale  int32
}

// ParseDecimal parses a decimal number: an optional sign, digits with an
// optional decimal point, and an optional exponent ("-12.34", "1e10",
// ".5"). More than DecimalMaxDigits significant digits, or a resulting scale
// beyond ±1000, yield a *ParseError; nothing is rounded. It does not
// allocate on success.
func ParseDecimal(s string) (Decimal, error) {
	var d Decimal
	bad := func(reason string) (Decimal, error) {
		return Decimal{}, &ParseError{Kind: "decimal", Input: s, Reason: reason}
	}
	i := 0
	if i < len(s) && (s[i] == '+' || s[i] == '-') {
		d.neg = s[i] == '-'
		i++
	}
	sawDigit, inFrac := false, false
	frac := int64(0)
digits:
	for ; i < len(s); i++ {
		c := s[i]
		switch {
		case '0' <= c && c <= '9':
			sawDigit = true
			if inFrac {
				frac++
			}
			if d.n == 0 && c == '0' {
				continue
			}
			if int(d.n) == DecimalMaxDigits {
				return bad("more than 38 significant digits")
			}
			d.digits[d.n] = c - '0'
			d.n++
		case c == '.' && !inFrac:
			inFrac = true
		case c == 'e' || c == 'E':
			break digits
		default:
			return bad("unexpected character " + strconv.QuoteRune(rune(c)))
		}
	}
	if !sawDigit {
		return bad("no digits")
	}
	exp := int64(0)
	if i < len(s) { // exponent
		i++
		expNeg := false
		if i < len(s) && (s[i] == '+' || s[i] == '-') {
			expNeg = s[i] == '-'
			i++
		}
		if i == len(s) {
			return bad("empty exponent")
		}
		for ; i < len(s); i++ {
			c := s[i]
			if c < '0' || c > '9' {
				return bad("unexpected character " + strconv.QuoteRune(rune(c)) + " in exponent")
			}
			exp = exp*10 + int64(c-'0')
			if exp > 1e6 {
				return bad("exponent out of range")
			}
		}
		if expNeg {
			exp = -exp
		}
	}
	scale := frac - exp
	if scale > decimalMaxScale || scale < -decimalMaxScale {
		return bad("scale out of range")
	}
	d.scale = int32(scale)
	return d, nil
}

// MustParseDecimal is ParseDecimal for constants: it panics if s does not
// parse. Do not use it on untrusted input.
func MustParseDecimal(s string) Decimal {
	d, err := ParseDecimal(s)
	if err != nil {
		panic(err)
	}
	return d
}

// NewDecimal returns coef × 10^-scale. A coefficient of more than
// DecimalMaxDigits digits or a scale beyond ±1000 yields a *ParseError. It
// allocates a temporary string of the coefficient's digits.
func NewDecimal(coef *big.Int, scale int32) (Decimal, error) {
	s := coef.String()
	var d Decimal
	if len(s) > 0 && s[0] == '-' {
		d.neg = true
		s = s[1:]
	}
	for i := 0; i < len(s); i++ {
		if d.n == 0 && s[i] == '0' {
			continue
		}
		if int(d.n) == DecimalMaxDigits {
			return Decimal{}, &ParseError{Kind: "decimal", Input: coef.String(), Reason: "more than 38 significant digits"}
		}
		d.digits[d.n] = s[i] - '0'
		d.n++
	}
	if scale > decimalMaxScale || scale < -decimalMaxScale {
		return Decimal{}, &ParseError{Kind: "decimal", Input: coef.String(), Reason: "scale out of range"}
	}
	d.scale = scale
	return d, nil
}

// Coefficient returns the signed coefficient as a new big.Int (zero for
// negative zero). It allocates.
func (d Decimal) Coefficient() *big.Int {
	c := new(big.Int)
	ten := big.NewInt(10)
	for _, dg := range d.digits[:d.n] {
		c.Mul(c, ten)
		c.Add(c, big.NewInt(int64(dg)))
	}
	if d.neg {
		c.Neg(c)
	}
	return c
}

// Scale returns the scale: the value is Coefficient() × 10^-Scale(). It does
// not allocate.
func (d Decimal) Scale() int32 { return d.scale }

// Sign returns -1, 0 or +1. Negative zero reports 0. It does not allocate.
func (d Decimal) Sign() int {
	switch {
	case d.n == 0:
		return 0
	case d.neg:
		return -1
	}
	return 1
}

// String returns the plain (non-exponent) decimal notation, as Tarantool's
// tostring does: "-12.34", "10000000000" for 1e10, "0.001", "-0". It
// allocates the string.
func (d Decimal) String() string {
	coef := d.digits[:d.n]
	if d.n == 0 {
		coef = []byte{0}
	}
	size := len(coef) + 3
	if d.scale < 0 {
		size += int(-d.scale)
	} else {
		size += int(d.scale)
	}
	b := make([]byte, 0, size)
	if d.neg {
		b = append(b, '-')
	}
	scale := int(d.scale)
	switch {
	case scale <= 0:
		b = appendDigits(b, coef)
		if d.n != 0 {
			for i := 0; i < -scale; i++ {
				b = append(b, '0')
			}
		}
	case len(coef) <= scale:
		b = append(b, '0', '.')
		for i := 0; i < scale-len(coef); i++ {
			b = append(b, '0')
		}
		b = appendDigits(b, coef)
	default:
		b = appendDigits(b, coef[:len(coef)-scale])
		b = append(b, '.')
		b = appendDigits(b, coef[len(coef)-scale:])
	}
	return string(b)
}

func appendDigits(b, digits []byte) []byte {
	for _, dg := range digits {
		b = append(b, '0'+dg)
	}
	return b
}

// AppendMsgpack appends d as a Tarantool decimal extension (type 1): the
// scale as a MessagePack integer followed by packed BCD digits and a sign
// nibble (0x0c positive, 0x0d negative). It does not allocate unless dst
// grows.
func (d Decimal) AppendMsgpack(dst []byte) []byte {
	nibbles := int(d.n) + 1
	bcdLen := (nibbles + 1) / 2
	scaleLen := intSize(int64(d.scale))
	dst = AppendExtHeader(dst, ExtDecimal, uint32(scaleLen+bcdLen))
	dst = AppendInt(dst, int64(d.scale))
	sign := byte(0x0c)
	if d.neg {
		sign = 0x0d
	}
	// Nibble k (0-based over the padded sequence): a leading zero pad when
	// the count is odd, then the digits, then the sign.
	pad := nibbles % 2
	for i := 0; i < bcdLen; i++ {
		hi := nibbleAt(d, 2*i-pad, sign)
		lo := nibbleAt(d, 2*i+1-pad, sign)
		dst = append(dst, hi<<4|lo)
	}
	return dst
}

// nibbleAt returns digit k of d, the sign nibble for k == n, and 0 for k < 0.
func nibbleAt(d Decimal, k int, sign byte) byte {
	switch {
	case k < 0:
		return 0
	case k < int(d.n):
		return d.digits[k]
	}
	return sign
}

// decodeDecimalPayload decodes the payload of a decimal extension. Payloads
// longer than decimalMaxPayload (possible only with leading zero digits)
// are rejected, as DecodeMsgpack rejects them.
func decodeDecimalPayload(p []byte) (Decimal, error) {
	if len(p) > decimalMaxPayload {
		return Decimal{}, malformed(0, "decimal payload longer than "+strconv.Itoa(decimalMaxPayload)+" bytes")
	}
	r := reader{buf: p}
	scale, err := r.int()
	if err != nil {
		return Decimal{}, err
	}
	if scale > decimalMaxScale || scale < -decimalMaxScale {
		return Decimal{}, malformed(0, "decimal scale out of range")
	}
	bcd := p[r.off:]
	if len(bcd) == 0 {
		return Decimal{}, malformed(r.off, "decimal has no digits")
	}
	d := Decimal{scale: int32(scale)}
	last := len(bcd)*2 - 1
	for k := 0; k < last; k++ {
		nb := bcd[k/2] >> 4
		if k%2 == 1 {
			nb = bcd[k/2] & 0x0f
		}
		if nb > 9 {
			return Decimal{}, malformed(r.off+k/2, "invalid decimal digit")
		}
		if d.n == 0 && nb == 0 {
			continue
		}
		if int(d.n) == DecimalMaxDigits {
			return Decimal{}, malformed(r.off+k/2, "decimal has more than 38 digits")
		}
		d.digits[d.n] = nb
		d.n++
	}
	switch bcd[len(bcd)-1] & 0x0f {
	case 0x0b, 0x0d:
		d.neg = true
	case 0x0a, 0x0c, 0x0e, 0x0f:
	default:
		return Decimal{}, malformed(len(p)-1, "invalid decimal sign nibble")
	}
	return d, nil
}

// EncodeMsgpack implements msgpack.CustomEncoder so that Decimal fields
// encode as the Tarantool extension inside values handled by
// github.com/vmihailenco/msgpack/v5, without registering anything globally.
// It allocates a small buffer.
func (d Decimal) EncodeMsgpack(enc *msgpack.Encoder) error {
	_, err := enc.Writer().Write(d.AppendMsgpack(make([]byte, 0, 3+decimalMaxPayload)))
	return err
}

// DecodeMsgpack implements msgpack.CustomDecoder: it reads a decimal
// extension (type 1). Nil sets d to the zero Decimal, as the msgpack
// library itself does before it calls DecodeMsgpack. It does not allocate.
func (d *Decimal) DecodeMsgpack(dec *msgpack.Decoder) error {
	if c, err := dec.PeekCode(); err == nil && c == mpNil {
		*d = Decimal{}
		return dec.DecodeNil()
	}
	typ, n, err := dec.DecodeExtHeader()
	if err != nil {
		return err
	}
	if typ != ExtDecimal || n < 2 || n > decimalMaxPayload {
		return &MalformedError{What: "expected a decimal extension (type 1)", Offset: -1}
	}
	var buf [decimalMaxPayload]byte
	if err := dec.ReadFull(buf[:n]); err != nil {
		return err
	}
	v, err := decodeDecimalPayload(buf[:n])
	if err != nil {
		return err
	}
	*d = v
	return nil
}
