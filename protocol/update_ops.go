package protocol

import (
	"math"
	"reflect"
)

// Op is one update operation of an Update or Upsert request. Build it with
// the Op* constructors or fill the fields directly.
//
// Field numbers are 0-based, as IPROTO expects without IPROTO_INDEX_BASE
// (field 0 is the first field; negative numbers count from the end, -1 being
// the last field). A string Field names a field of the space format or a
// JSON path (Tarantool 2.3+).
type Op struct {
	// Code is the operation: '=' assign, '+' add, '-' subtract, '&' bitwise
	// and, '|' bitwise or, '^' bitwise xor, '!' insert, '#' delete, ':'
	// splice.
	Code byte
	// Field is the target field: any Go integer (number) or a string
	// (name or JSON path).
	Field any
	// Arg is the operand: the new value for '=' and '!', a number for '+'
	// and '-', a non-negative integer for the bitwise operations, and the
	// positive count of fields for '#'. A RawMsgpack Arg is accepted for any
	// operation without checks. Splice does not use Arg.
	Arg any
	// SpliceOffset, SpliceLength and SpliceValue are the operands of ':':
	// replace SpliceLength characters at SpliceOffset with SpliceValue.
	// Like field numbers, the offset is 0-based over IPROTO (negative counts
	// from the end): splicing "hello" at 2, length 3, with "ipp" gives
	// "heipp".
	SpliceOffset, SpliceLength int
	// SpliceValue is the string that replaces the spliced characters; it
	// is the fifth element of a ':' operation.
	SpliceValue string
}

// OpAssign returns {'=', field, v}: set field to v. It does not allocate
// beyond boxing its arguments.
func OpAssign(field, v any) Op { return Op{Code: '=', Field: field, Arg: v} }

// OpAdd returns {'+', field, v}: add the number v to the field.
func OpAdd(field, v any) Op { return Op{Code: '+', Field: field, Arg: v} }

// OpSub returns {'-', field, v}: subtract the number v from the field.
func OpSub(field, v any) Op { return Op{Code: '-', Field: field, Arg: v} }

// OpAnd returns {'&', field, v}: bitwise AND with the non-negative integer v.
func OpAnd(field, v any) Op { return Op{Code: '&', Field: field, Arg: v} }

// OpOr returns {'|', field, v}: bitwise OR with the non-negative integer v.
func OpOr(field, v any) Op { return Op{Code: '|', Field: field, Arg: v} }

// OpXor returns {'^', field, v}: bitwise XOR with the non-negative integer v.
func OpXor(field, v any) Op { return Op{Code: '^', Field: field, Arg: v} }

// OpInsert returns {'!', field, v}: insert v before field (field equal to
// the tuple length, or -1, appends).
func OpInsert(field, v any) Op { return Op{Code: '!', Field: field, Arg: v} }

// OpDelete returns {'#', field, count}: delete count fields starting at
// field.
func OpDelete(field any, count int) Op { return Op{Code: '#', Field: field, Arg: count} }

// OpSplice returns {':', field, offset, length, value}: replace length
// characters of the string field at offset (0-based) with value.
func OpSplice(field any, offset, length int, value string) Op {
	return Op{Code: ':', Field: field, SpliceOffset: offset, SpliceLength: length, SpliceValue: value}
}

// numClass classifies a Go value for operand checks.
type numClass int

const (
	notNumber numClass = iota
	negInt
	nonNegInt
	zeroInt
	floatNum
)

func classify(v any) numClass {
	rv := reflect.ValueOf(v)
	switch rv.Kind() {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		switch i := rv.Int(); {
		case i < 0:
			return negInt
		case i == 0:
			return zeroInt
		}
		return nonNegInt
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		if rv.Uint() == 0 {
			return zeroInt
		}
		return nonNegInt
	case reflect.Float32, reflect.Float64:
		return floatNum
	}
	return notNumber
}

// checkOps validates ops without writing anything.
func checkOps(ops []Op) error {
	if uint64(len(ops)) > math.MaxUint32 {
		return &InvalidOpError{Index: len(ops) - 1, Reason: "too many operations"}
	}
	for i := range ops {
		op := &ops[i]
		switch op.Field.(type) {
		case string:
		default:
			switch reflect.ValueOf(op.Field).Kind() {
			case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
				reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.String:
			default:
				return &InvalidOpError{Index: i, Code: op.Code, Reason: "field must be an integer or a string"}
			}
		}
		if _, raw := op.Arg.(RawMsgpack); raw && op.Code != ':' {
			continue
		}
		switch op.Code {
		case '=', '!', ':':
		case '+', '-':
			if _, ok := op.Arg.(Decimal); !ok && classify(op.Arg) == notNumber {
				return &InvalidOpError{Index: i, Code: op.Code, Reason: "argument must be a number or Decimal"}
			}
		case '&', '|', '^':
			if c := classify(op.Arg); c != nonNegInt && c != zeroInt {
				return &InvalidOpError{Index: i, Code: op.Code, Reason: "argument must be a non-negative integer"}
			}
		case '#':
			if classify(op.Arg) != nonNegInt {
				return &InvalidOpError{Index: i, Code: op.Code, Reason: "count must be a positive integer"}
			}
		default:
			return &InvalidOpError{Index: i, Code: op.Code, Reason: "unknown operation code"}
		}
	}
	return nil
}

// appendOps validates ops and appends them as an array of operation arrays.
// On error it returns dst unchanged.
func appendOps(dst []byte, ops []Op) ([]byte, error) {
	if err := checkOps(ops); err != nil {
		return dst, err
	}
	out := AppendArrayHeader(dst, uint32(len(ops)))
	var err error
	for i := range ops {
		op := &ops[i]
		if op.Code == ':' {
			out = append(out, 0x95, 0xa1, ':')
		} else {
			out = append(out, 0x93, 0xa1, op.Code)
		}
		if out, err = appendValue(out, op.Field, 0); err != nil {
			return dst, err
		}
		if op.Code == ':' {
			out = AppendInt(out, int64(op.SpliceOffset))
			out = AppendInt(out, int64(op.SpliceLength))
			if uint64(len(op.SpliceValue)) > math.MaxUint32 {
				return dst, &InvalidOpError{Index: i, Code: op.Code, Reason: "splice value too long"}
			}
			out = AppendString(out, op.SpliceValue)
			continue
		}
		if out, err = appendValue(out, op.Arg, 0); err != nil {
			return dst, err
		}
	}
	return out, nil
}
