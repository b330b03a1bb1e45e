package main

import (
	"fmt"
	"strconv"
	"strings"
)

// Schema of testdata/bench.lua's big-result spaces and function.
const (
	wideSpaceID = 601      // space 'wide'
	wideRows    = 1000     // tuples in 'wide', ids 1..wideRows
	blobSpaceID = 602      // space 'blob': {size, string.rep('b', size)}
	bigStrFunc  = "bigstr" // bigstr(n) returns string.rep('x', n)
	bigCallSize = 1 << 20  // the call case's string length
)

// blobSizes are the tuple sizes of the tuple-size sweep (the keys of
// space 'blob').
var blobSizes = []int{100, 10 << 10, 1 << 20}

// wideRow is one tuple of space 'wide': 8 fields, 4 strings and 4
// scalars.
type wideRow struct {
	//lint:ignore U1000 the msgpack library reads this field's as_array tag
	_msgpack struct{} `msgpack:",as_array"`
	ID       uint64
	Name     string
	Email    string
	City     string
	Age      uint64
	Balance  uint64
	Flag     bool
	Note     string
}

var cities = []string{"Amsterdam", "Berlin", "Lisbon", "Madrid", "Oslo", "Paris", "Rome", "Vienna"}

// wideWant[i] is the tuple with id i+1, as bench.lua makes it.
var wideWant = func() []wideRow {
	rows := make([]wideRow, wideRows)
	for i := range rows {
		id := uint64(i + 1)
		s := strconv.FormatUint(id, 10)
		rows[i] = wideRow{ID: id, Name: "user-" + s, Email: "user" + s + "@example.com",
			City: cities[id%8], Age: id % 90, Balance: id * 13, Flag: id%7 == 0, Note: "note " + s}
	}
	return rows
}()

// checkWide fails unless rows are the tuples of space 'wide' in order.
func checkWide(rows []wideRow) error {
	if len(rows) != wideRows {
		return fmt.Errorf("%s: %d tuples, want %d", wWide, len(rows), wideRows)
	}
	for i := range rows {
		if rows[i] != wideWant[i] {
			return fmt.Errorf("%s: tuple %d is %+v, want %+v", wWide, i, rows[i], wideWant[i])
		}
	}
	return nil
}

// checkWideAny is checkWide for tuples decoded into []any, whatever
// integer types the client chose.
func checkWideAny(tuples []any) error {
	if len(tuples) != wideRows {
		return fmt.Errorf("%s: %d tuples, want %d", wWideAny, len(tuples), wideRows)
	}
	for i, t := range tuples {
		f, ok := t.([]any)
		if !ok || len(f) != 8 {
			return fmt.Errorf("%s: tuple %d is %T %v, want 8 fields", wWideAny, i, t, t)
		}
		w := &wideWant[i]
		if !uintIs(f[0], w.ID) || f[1] != any(w.Name) || f[2] != any(w.Email) || f[3] != any(w.City) ||
			!uintIs(f[4], w.Age) || !uintIs(f[5], w.Balance) || f[6] != any(w.Flag) || f[7] != any(w.Note) {
			return fmt.Errorf("%s: tuple %d is %v, want %+v", wWideAny, i, f, *w)
		}
	}
	return nil
}

// uintIs reports whether v is an integer of any Go type equal to want.
func uintIs(v any, want uint64) bool {
	switch x := v.(type) {
	case uint64:
		return x == want
	case uint32:
		return uint64(x) == want
	case uint16:
		return uint64(x) == want
	case uint8:
		return uint64(x) == want
	case uint:
		return uint64(x) == want
	case int64:
		return x >= 0 && uint64(x) == want
	case int32:
		return x >= 0 && uint64(x) == want
	case int16:
		return x >= 0 && uint64(x) == want
	case int8:
		return x >= 0 && uint64(x) == want
	case int:
		return x >= 0 && uint64(x) == want
	}
	return false
}

// blobRow is one tuple of space 'blob'.
type blobRow struct {
	//lint:ignore U1000 the msgpack library reads this field's as_array tag
	_msgpack struct{} `msgpack:",as_array"`
	Size     uint64
	Data     string
}

// blobWant[size] and bigWant are the expected strings, built once.
var (
	blobWant = func() map[int]string {
		m := map[int]string{}
		for _, n := range blobSizes {
			m[n] = strings.Repeat("b", n)
		}
		return m
	}()
	bigWant = strings.Repeat("x", bigCallSize)
	// blobKeys are the keys of space 'blob', boxed once.
	blobKeys = func() map[int]any {
		m := map[int]any{}
		for _, n := range blobSizes {
			m[n] = uint64(n)
		}
		return m
	}()
	// bigArgs are bigstr's arguments, boxed once (as requestValues).
	bigArgs = []any{bigCallSize}
)

// checkBlob fails unless r is the tuple of space 'blob' of size bytes.
func checkBlob(size int, r *blobRow) error {
	if r.Size != uint64(size) || r.Data != blobWant[size] {
		return fmt.Errorf("%s: tuple {%d, %d bytes}, want {%d, %d bytes}", wBlob, r.Size, len(r.Data), size, size)
	}
	return nil
}

// checkBig fails unless s is bigstr(size)'s result.
func checkBig(size int, s string) error {
	if len(s) != size || s != bigWant[:size] {
		return fmt.Errorf("%s: %d bytes, want %d bytes of 'x'", wBigCall, len(s), size)
	}
	return nil
}
