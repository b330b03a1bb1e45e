package client

import "github.com/tarantool/go-iproto"

// The iterators of Select, as go-iproto's iproto.Iterator values, so that
// client.Iterator(client.IterGE) needs no other import. Which ones an
// index supports depends on its type: HASH takes IterEq and IterAll (and
// IterGT for a full key), TREE all the ordered ones, BITSET the Bits ones,
// RTREE IterOverlaps and IterNeighbor (and the ordered ones, by distance).
const (
	IterEq            = iproto.ITER_EQ               // key == x, ascending (the default)
	IterReq           = iproto.ITER_REQ              // key == x, descending
	IterAll           = iproto.ITER_ALL              // every tuple
	IterLT            = iproto.ITER_LT               // key < x, descending
	IterLE            = iproto.ITER_LE               // key <= x, descending
	IterGE            = iproto.ITER_GE               // key >= x, ascending
	IterGT            = iproto.ITER_GT               // key > x, ascending
	IterBitsAllSet    = iproto.ITER_BITS_ALL_SET     // all bits of x set in key
	IterBitsAnySet    = iproto.ITER_BITS_ANY_SET     // at least one bit of x set in key
	IterBitsAllNotSet = iproto.ITER_BITS_ALL_NOT_SET // no bit of x set in key
	IterOverlaps      = iproto.ITER_OVERLAPS         // key overlaps x (RTREE)
	IterNeighbor      = iproto.ITER_NEIGHBOR         // nearest to x first (RTREE)
)
