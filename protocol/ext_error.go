package protocol

import "github.com/tarantool/go-iproto"

// MPErrorKey is a key of the MP_ERROR map that Tarantool (2.4.1+) uses for
// the IPROTO_ERROR response field and for error extension values (ext 3).
// go-iproto does not define these, so they are defined here.
type MPErrorKey uint8

// Keys of the MP_ERROR map. MPErrorStack is the only top-level key; the
// others are keys of each frame (map) in the stack array.
const (
	// MPErrorStack (top level): array of error frames, the most recent
	// error first.
	MPErrorStack MPErrorKey = 0x00
	// MPErrorType (frame): error class name, e.g. "ClientError".
	MPErrorType MPErrorKey = 0x00
	// MPErrorFile (frame): source file where the error was raised.
	MPErrorFile MPErrorKey = 0x01
	// MPErrorLine (frame): line in MPErrorFile.
	MPErrorLine MPErrorKey = 0x02
	// MPErrorMessage (frame): error message.
	MPErrorMessage MPErrorKey = 0x03
	// MPErrorErrno (frame): saved errno, 0 if none.
	MPErrorErrno MPErrorKey = 0x04
	// MPErrorCode (frame): error code (iproto.Error for box errors).
	MPErrorCode MPErrorKey = 0x05
	// MPErrorFields (frame): map of type-specific fields, e.g.
	// {"custom_type": "MyError"} for custom errors.
	MPErrorFields MPErrorKey = 0x06
)

// MaxErrorStack is the most frames an MP_ERROR stack may have; a longer
// one is a *MalformedError. Tarantool's own stacks are a few frames deep.
const MaxErrorStack = 256

// DecodeError decodes an MP_ERROR map (the value of the IPROTO_ERROR
// response field, or the payload of an extension 3 value):
// {MPErrorStack: [{MPErrorType: ..., ...}, ...]}. Code and Message are
// taken from the first frame. Unknown keys are skipped; bytes after the map
// are ignored. Malformed input, and a stack of more than MaxErrorStack
// frames, yield a *MalformedError. It allocates the result.
func DecodeError(b []byte) (*ServerError, error) {
	r := reader{buf: b}
	return r.serverError(0)
}

func (r *reader) serverError(depth int) (*ServerError, error) {
	n, err := r.mapLen()
	if err != nil {
		return nil, err
	}
	e := &ServerError{}
	for i := 0; i < n; i++ {
		key, err := r.uint()
		if err != nil {
			return nil, err
		}
		if key != uint64(MPErrorStack) {
			if err := r.skip(); err != nil {
				return nil, err
			}
			continue
		}
		start := r.off
		cnt, err := r.arrayLen()
		if err != nil {
			return nil, err
		}
		if cnt > MaxErrorStack {
			// A frame decodes from one byte to some 90 bytes of memory:
			// without a bound, one response could make the client
			// allocate many times its size.
			return nil, malformed(start, "error stack longer than MaxErrorStack frames")
		}
		e.Stack = make([]ErrorFrame, cnt)
		for j := range e.Stack {
			if err := r.errorFrame(&e.Stack[j], depth+1); err != nil {
				return nil, err
			}
		}
	}
	if len(e.Stack) > 0 {
		e.Code = iproto.Error(e.Stack[0].Code)
		e.Message = e.Stack[0].Message
	}
	return e, nil
}

func (r *reader) errorFrame(f *ErrorFrame, depth int) error {
	n, err := r.mapLen()
	if err != nil {
		return err
	}
	for i := 0; i < n; i++ {
		key, err := r.uint()
		if err != nil {
			return err
		}
		if key > 0xff {
			if err := r.skip(); err != nil {
				return err
			}
			continue
		}
		switch MPErrorKey(key) {
		case MPErrorType:
			f.Type, err = r.optStr()
		case MPErrorFile:
			f.File, err = r.optStr()
		case MPErrorLine:
			f.Line, err = r.uint()
		case MPErrorMessage:
			f.Message, err = r.optStr()
		case MPErrorErrno:
			f.Errno, err = r.uint()
		case MPErrorCode:
			f.Code, err = r.uint()
		case MPErrorFields:
			start := r.off
			var v any
			if v, err = r.value(depth + 1); err == nil {
				switch m := v.(type) {
				case map[string]any:
					f.Fields = m
				case nil:
				default:
					err = malformed(start, "MP_ERROR fields is not a map with string keys")
				}
			}
		default:
			err = r.skip()
		}
		if err != nil {
			return err
		}
	}
	return nil
}
