package main

import (
	"fmt"
	"strconv"
)

// Schema of testdata/bench.lua.
const (
	spaceID  = 600   // space 'bench'
	numKeys  = 10000 // tuples {id, "name-<id>", id*7}, id = 1..numKeys
	valMul   = 7     // val = id * valMul
	echoFunc = "echo"
)

// row is one tuple of space 'bench', and also the three values echo
// returns.
type row struct {
	//lint:ignore U1000 the msgpack library reads this field's as_array tag
	_msgpack struct{} `msgpack:",as_array"`
	ID       uint64
	Name     string
	Val      uint64
}

// names[id] is the expected name of tuple id, precomputed so that checking
// a result allocates nothing.
var names = func() []string {
	n := make([]string, numKeys+1)
	for id := 1; id <= numKeys; id++ {
		n[id] = "name-" + strconv.Itoa(id)
	}
	return n
}()

// keyValues are the values a request for one key sends, as interface
// values.
type keyValues struct {
	key    any   // id: select's key
	values []any // id, name, val: echo's arguments (ours takes them variadic)
	tuple  any   // values as one interface value: replace's tuple, and echo's arguments for go-tarantool
}

// requestValues[id] are the values of the requests for key id, built once
// like names: converting a uint64 or a string to an interface allocates
// (except for small integers), so building them per request would charge
// every client with the same few allocations of the harness's own making.
var requestValues = func() []keyValues {
	v := make([]keyValues, numKeys+1)
	for id := uint64(1); id <= numKeys; id++ {
		values := []any{id, names[id], id * valMul}
		v[id] = keyValues{key: id, values: values, tuple: values}
	}
	return v
}()

// keyAt maps a request counter onto the preloaded keys 1..numKeys.
func keyAt(i uint64) uint64 { return i%numKeys + 1 }

// check fails unless r is the tuple with key key.
func check(w workload, key uint64, r *row) error {
	if r.ID != key || r.Name != names[key] || r.Val != key*valMul {
		return fmt.Errorf("%s: wrong result for key %d: got {%d %q %d}, want {%d %q %d}",
			w, key, r.ID, r.Name, r.Val, key, names[key], key*valMul)
	}
	return nil
}

// workload is one kind of request.
type workload int

const (
	wPing    workload = iota // IPROTO_PING
	wSelect                  // select one tuple by primary key into a row
	wReplace                 // replace a tuple (same values), result into a row
	wCall                    // call echo(id, name, val), result into a row
	wWide                    // select the 1,000 tuples of space 'wide' into structs
	wWideAny                 // the same select into []any (each tuple a []any)
	wBigCall                 // call bigstr(size): one string of size bytes
	wBlob                    // select the tuple of space 'blob' of size bytes into a struct
)

var workloadNames = [...]string{"ping", "select", "replace", "call", "select1000", "select1000any", "callstr", "tuple"}

func (w workload) String() string { return workloadNames[w] }

// job is one workload with its size parameter (wBigCall, wBlob: bytes;
// otherwise 0).
type job struct {
	w    workload
	size int
}

func (j job) String() string {
	if j.size > 0 {
		return j.w.String() + "/" + sizeName(j.size)
	}
	return j.w.String()
}

// sizeName is 100B, 10KiB, 1MiB.
func sizeName(n int) string {
	switch {
	case n >= 1<<20 && n%(1<<20) == 0:
		return strconv.Itoa(n>>20) + "MiB"
	case n >= 1<<10 && n%(1<<10) == 0:
		return strconv.Itoa(n>>10) + "KiB"
	default:
		return strconv.Itoa(n) + "B"
	}
}
