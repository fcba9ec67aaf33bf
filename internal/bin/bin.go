// Package bin holds the byte-level helpers shared by the packages that
// decode scap data: little-endian integers (the byte order of every scap
// field) and NUL-terminated C strings.
//
// They panic like a slice index when b is too short, so callers check
// lengths first. All of them inline.
package bin

import "encoding/binary"

// LE16 reads a little-endian uint16 from the start of b.
func LE16(b []byte) uint16 { return binary.LittleEndian.Uint16(b) }

// LE32 reads a little-endian uint32 from the start of b.
func LE32(b []byte) uint32 { return binary.LittleEndian.Uint32(b) }

// LE64 reads a little-endian uint64 from the start of b.
func LE64(b []byte) uint64 { return binary.LittleEndian.Uint64(b) }

// PutLE32 writes v little-endian at the start of b.
func PutLE32(b []byte, v uint32) { binary.LittleEndian.PutUint32(b, v) }

// PutLE64 writes v little-endian at the start of b.
func PutLE64(b []byte, v uint64) { binary.LittleEndian.PutUint64(b, v) }

// CBytes returns b up to its first NUL (all of b without one). It does
// not copy.
func CBytes(b []byte) []byte {
	for i, c := range b {
		if c == 0 {
			return b[:i]
		}
	}
	return b
}

// CString returns b up to its first NUL as a string.
func CString(b []byte) string { return string(CBytes(b)) }
