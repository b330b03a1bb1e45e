package protocol

import (
	"errors"
	"testing"
)

// A tuple that is nil or does not encode to an array is refused before
// anything is written, naming what it encoded to; arrays of every form pass.
func TestTupleMustBeArray(t *testing.T) {
	type asArray struct {
		//lint:ignore U1000 the msgpack library reads this field's as_array tag
		_msgpack struct{} `msgpack:",as_array"`
		ID       int
	}
	type asMap struct{ ID int }
	dst := []byte{0xaa}
	for _, tc := range []struct {
		name  string
		r     Request
		isNil bool
		got   string
	}{
		{"insert nil", Insert{Space: 1}, true, ""},
		{"replace nil", Replace{Space: 1}, true, ""},
		{"upsert nil", Upsert{Space: 1}, true, ""},
		{"insert string", Insert{Space: 1, Tuple: "ann"}, false, "string"},
		{"replace int", Replace{Space: 1, Tuple: 7}, false, "integer"},
		{"upsert map", Upsert{Space: 1, Tuple: map[string]any{"id": 1}}, false, "map"},
		{"insert plain struct", Insert{Space: 1, Tuple: asMap{ID: 1}}, false, "map"},
		{"insert nil pointer", Insert{Space: 1, Tuple: (*asArray)(nil)}, false, "nil"},
		{"eval checked tuple", Eval{Expr: "x", Args: []any{1, CheckedTuple{Value: "x"}}}, false, "string"},
		{"eval checked nil", Eval{Expr: "x", Args: []any{CheckedTuple{}}}, true, ""},
	} {
		out, err := tc.r.AppendBody(dst)
		if string(out) != string(dst) {
			t.Errorf("%s: wrote %x on error", tc.name, out)
		}
		if tc.isNil {
			if !errors.Is(err, ErrNilTuple) {
				t.Errorf("%s: %v, want ErrNilTuple", tc.name, err)
			}
			continue
		}
		var na *NotArrayError
		if !errors.As(err, &na) || na.Got != tc.got {
			t.Errorf("%s: %v, want a *NotArrayError of %s", tc.name, err, tc.got)
		}
	}
	for _, tuple := range []any{[]any{1}, []int{}, [2]string{"a", "b"}, asArray{ID: 1}, &asArray{ID: 1},
		RawMsgpack{0x91, 0x01}, make([]any, 20), CheckedTuple{Value: []any{}}} {
		if _, err := (Insert{Space: 1, Tuple: tuple}).AppendBody(nil); err != nil {
			t.Errorf("%T: %v", tuple, err)
		}
	}
	if _, err := (Eval{Expr: "x", Args: []any{CheckedTuple{Value: []any{1}}}}).AppendBody(nil); err != nil {
		t.Error(err)
	}
}
