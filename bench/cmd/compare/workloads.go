package main

import (
	"fmt"
	"regexp"
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
)

var workloads = []workload{wPing, wSelect, wReplace, wCall}

func (w workload) String() string {
	return [...]string{"ping", "select", "replace", "call"}[w]
}

// mode is how requests are issued.
type mode int

const (
	// pipelined: one goroutine keeps conc futures in flight, awaiting the
	// oldest before issuing the next.
	pipelined mode = iota
	// sync: conc goroutines share one connection; each issues a request
	// and awaits it before the next.
	syncMode
)

func (m mode) String() string { return [...]string{"pipelined", "sync"}[m] }

// benchCase is one workload in one mode at one concurrency.
type benchCase struct {
	w    workload
	m    mode
	conc int // window (pipelined) or goroutines (sync)
}

func (c benchCase) String() string { return fmt.Sprintf("%s/%s/%d", c.w, c.m, c.conc) }

// window is the number of futures in flight in pipelined mode.
const window = 1024

// syncConcurrency are the goroutine counts of sync mode.
var syncConcurrency = []int{1, 16, 256}

// allCases lists every case, workload-major, filtered by the regexp filter
// on the case name (empty: all).
func allCases(filter string) ([]benchCase, error) {
	re, err := regexp.Compile(filter)
	if err != nil {
		return nil, fmt.Errorf("-cases: %w", err)
	}
	var out []benchCase
	for _, w := range workloads {
		cs := []benchCase{{w, pipelined, window}}
		for _, c := range syncConcurrency {
			cs = append(cs, benchCase{w, syncMode, c})
		}
		for _, c := range cs {
			if re.MatchString(c.String()) {
				out = append(out, c)
			}
		}
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("-cases %q matches no case", filter)
	}
	return out, nil
}
