package protocol

import (
	"reflect"
	"testing"

	"github.com/tarantool/go-iproto"
)

// FuzzIDBody: DecodeIDBody never panics, fails only with a
// *MalformedError, and what it decodes re-encodes (ID.AppendBody) to a
// body that decodes the same.
func FuzzIDBody(f *testing.F) {
	f.Add([]byte{})
	f.Add(mustHex(f, "83540655930001025ba9636861702d73686131"))
	f.Add(mustHex(f, "8254035590"))
	f.Add(mustHex(f, "81559acf0000000100000000"))
	f.Fuzz(func(t *testing.T, body []byte) {
		id, err := DecodeIDBody(body)
		if err != nil {
			checkMalformed(t, err, len(body))
			return
		}
		for _, feature := range id.Features {
			if feature < 0 {
				t.Fatalf("negative feature %d", feature)
			}
		}
		enc, err := id.AppendBody(nil)
		if err != nil {
			t.Fatalf("re-encoding %+v: %v", id, err)
		}
		again, err := DecodeIDBody(enc)
		if err != nil {
			t.Fatalf("decoding the re-encoding of %+v: %v", id, err)
		}
		if id.Features == nil {
			id.Features = []iproto.Feature{} // AppendBody sends nil as an empty array
		}
		if !reflect.DeepEqual(id, again) {
			t.Fatalf("round trip: %+v, want %+v", again, id)
		}
	})
}
