package protocol

import "crypto/sha1"

// ScrambleSize is the size of a chap-sha1 scramble, and the number of salt
// bytes it uses.
const ScrambleSize = 20

// AuthChapSha1 is the name of Tarantool's default authentication mechanism,
// sent in Auth requests.
const AuthChapSha1 = "chap-sha1"

// Scramble computes the chap-sha1 scramble for password and the salt from
// the greeting:
//
//	sha1(password) XOR sha1(salt[:20] ++ sha1(sha1(password)))
//
// A salt shorter than ScrambleSize yields ErrSaltTooShort. It allocates the
// 20-byte result.
func Scramble(salt []byte, password string) ([]byte, error) {
	return AppendScramble(make([]byte, 0, ScrambleSize), salt, password)
}

// AppendScramble appends the chap-sha1 scramble (see Scramble) to dst. On
// error dst is returned unchanged. It does not allocate unless dst grows or
// the password is longer than 128 bytes.
func AppendScramble(dst, salt []byte, password string) ([]byte, error) {
	if len(salt) < ScrambleSize {
		return dst, ErrSaltTooShort
	}
	// Copy short passwords into a stack buffer so that hashing the string
	// does not allocate.
	var pw [128]byte
	var hash1 [sha1.Size]byte
	if len(password) <= len(pw) {
		hash1 = sha1.Sum(append(pw[:0], password...))
	} else {
		hash1 = sha1.Sum([]byte(password))
	}
	hash2 := sha1.Sum(hash1[:])
	var buf [ScrambleSize + sha1.Size]byte
	copy(buf[:], salt[:ScrambleSize])
	copy(buf[ScrambleSize:], hash2[:])
	hash3 := sha1.Sum(buf[:])
	for i := range hash1 {
		dst = append(dst, hash1[i]^hash3[i])
	}
	return dst, nil
}
