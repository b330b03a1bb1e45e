package main

import (
	"errors"
	"fmt"
)

// typedFuture is what go-tarantool's and fzambia's futures share: the
// response decoded by the msgpack library, into a value (GetTyped) or into
// []any (Get).
type typedFuture interface {
	Get() ([]any, error)
	GetTyped(result any) error
}

// typedState is per-goroutine decode state for a typedFuture, reused
// across requests.
type typedState struct {
	r     row
	rows  []row
	wide  []wideRow
	blobs []blobRow
	strs  []string
}

// finishTyped waits for f and checks its result against key (every
// workload but ping, which each peer awaits its own cheapest way).
func finishTyped(j job, f typedFuture, key uint64, st *typedState) error {
	switch j.w {
	case wSelect, wReplace:
		st.rows = st.rows[:0]
		if err := f.GetTyped(&st.rows); err != nil {
			return err
		}
		if len(st.rows) != 1 {
			return fmt.Errorf("%s: want exactly one tuple, got %d", j.w, len(st.rows))
		}
		return check(j.w, key, &st.rows[0])
	case wCall:
		st.r = row{}
		if err := f.GetTyped(&st.r); err != nil {
			return err
		}
		return check(j.w, key, &st.r)
	case wWide:
		st.wide = st.wide[:0]
		if err := f.GetTyped(&st.wide); err != nil {
			return err
		}
		return checkWide(st.wide)
	case wWideAny:
		tuples, err := f.Get()
		if err != nil {
			return err
		}
		return checkWideAny(tuples)
	case wBigCall:
		st.strs = st.strs[:0]
		if err := f.GetTyped(&st.strs); err != nil {
			return err
		}
		if len(st.strs) != 1 {
			return errors.New(j.String() + ": want one string")
		}
		return checkBig(j.size, st.strs[0])
	case wBlob:
		st.blobs = st.blobs[:0]
		if err := f.GetTyped(&st.blobs); err != nil {
			return err
		}
		if len(st.blobs) != 1 {
			return errors.New(j.String() + ": want exactly one tuple")
		}
		return checkBlob(j.size, &st.blobs[0])
	}
	return fmt.Errorf("%s: not a typed workload", j)
}
