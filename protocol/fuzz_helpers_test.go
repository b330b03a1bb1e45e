package protocol

import (
	"errors"
	"math"
	"reflect"
	"testing"
	"time"
)

// Helpers shared by the fuzz targets: invariants that hold for every
// decoder of the package.

// checkSuffix fails unless rest is a suffix of in that shares its memory
// (the decoders return sub-slices, never copies).
func checkSuffix(t *testing.T, in, rest []byte) {
	t.Helper()
	if len(rest) > len(in) {
		t.Fatalf("rest (%d bytes) longer than the input (%d bytes)", len(rest), len(in))
	}
	if len(rest) > 0 && &rest[0] != &in[len(in)-len(rest)] {
		t.Fatalf("rest (%d bytes) is not a suffix of the input (%d bytes)", len(rest), len(in))
	}
}

// checkMalformed fails unless err is (or wraps) a *MalformedError whose
// offset is -1 or lies within the n-byte input.
func checkMalformed(t *testing.T, err error, n int) {
	t.Helper()
	var m *MalformedError
	if !errors.As(err, &m) {
		t.Fatalf("error is %T (%v), not a *MalformedError", err, err)
	}
	if m.Offset < -1 || m.Offset > n {
		t.Fatalf("offset %d outside the %d-byte input: %v", m.Offset, n, err)
	}
	if m.What == "" {
		t.Fatalf("*MalformedError without a description: %#v", m)
	}
}

// checkDecodeErr fails unless err is one of the errors Decode documents: a
// *MalformedError from validation or DecodeValue, or an *UnmarshalError.
func checkDecodeErr(t *testing.T, err error, n int) {
	t.Helper()
	var u *UnmarshalError
	if errors.As(err, &u) {
		if u.Err == nil {
			t.Fatalf("*UnmarshalError without a cause: %#v", u)
		}
		return
	}
	checkMalformed(t, err, n)
}

// sameValue reports whether a and b are equal values of the same type,
// comparing floats by their bits (so NaN equals the same NaN and -0 differs
// from +0), times by instant and offset, and treating nil and empty slices
// and maps as equal. It reads unexported fields, so Decimal compares too.
func sameValue(a, b any) bool {
	return sameReflect(reflect.ValueOf(a), reflect.ValueOf(b), 0)
}

var timeType = reflect.TypeOf(time.Time{})

func sameReflect(a, b reflect.Value, depth int) bool {
	if !a.IsValid() || !b.IsValid() {
		return a.IsValid() == b.IsValid()
	}
	if a.Type() != b.Type() {
		return false
	}
	if depth > 2*MaxDepth+8 {
		return true // cyclic values are not produced by the decoders
	}
	if a.Type() == timeType && a.CanInterface() && b.CanInterface() {
		ta, tb := a.Interface().(time.Time), b.Interface().(time.Time)
		_, oa := ta.Zone()
		_, ob := tb.Zone()
		return ta.Equal(tb) && oa == ob
	}
	switch a.Kind() {
	case reflect.Bool:
		return a.Bool() == b.Bool()
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return a.Int() == b.Int()
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		return a.Uint() == b.Uint()
	case reflect.Float32:
		return math.Float32bits(float32(a.Float())) == math.Float32bits(float32(b.Float()))
	case reflect.Float64:
		return math.Float64bits(a.Float()) == math.Float64bits(b.Float())
	case reflect.String:
		return a.String() == b.String()
	case reflect.Interface, reflect.Pointer:
		if a.IsNil() || b.IsNil() {
			return a.IsNil() == b.IsNil()
		}
		return sameReflect(a.Elem(), b.Elem(), depth+1)
	case reflect.Slice, reflect.Array:
		if a.Len() != b.Len() {
			return false
		}
		for i := 0; i < a.Len(); i++ {
			if !sameReflect(a.Index(i), b.Index(i), depth+1) {
				return false
			}
		}
		return true
	case reflect.Map:
		if a.Len() != b.Len() {
			return false
		}
		it := a.MapRange()
	keys:
		for it.Next() {
			k, av := it.Key(), it.Value()
			if bv := b.MapIndex(k); bv.IsValid() && sameReflect(av, bv, depth+1) {
				continue
			}
			// Keys that are equal but not == (NaN, times in distinct
			// *time.Location values) need a linear search.
			jt := b.MapRange()
			for jt.Next() {
				if sameReflect(k, jt.Key(), depth+1) && sameReflect(av, jt.Value(), depth+1) {
					continue keys
				}
			}
			return false
		}
		return true
	case reflect.Struct:
		for i := 0; i < a.NumField(); i++ {
			if !sameReflect(a.Field(i), b.Field(i), depth+1) {
				return false
			}
		}
		return true
	}
	panic("sameValue: unexpected kind " + a.Kind().String())
}
