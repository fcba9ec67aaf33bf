package scap

import "github.com/traceproj/trace/internal/bin"

// cursor decodes a metadata body field by field; the first failure sticks.
type cursor struct {
	b   []byte
	off int
	bad bool
}

func (c *cursor) left() int { return len(c.b) - c.off }

func (c *cursor) take(n int) []byte {
	if c.bad || n < 0 || c.off+n > len(c.b) {
		c.bad = true
		return nil
	}
	s := c.b[c.off : c.off+n]
	c.off += n
	return s
}

func (c *cursor) u8() uint8 {
	s := c.take(1)
	if s == nil {
		return 0
	}
	return s[0]
}

func (c *cursor) u16() uint16 {
	s := c.take(2)
	if s == nil {
		return 0
	}
	return bin.LE16(s)
}

func (c *cursor) u32() uint32 {
	s := c.take(4)
	if s == nil {
		return 0
	}
	return bin.LE32(s)
}

func (c *cursor) u64() uint64 {
	s := c.take(8)
	if s == nil {
		return 0
	}
	return bin.LE64(s)
}

// str16 reads a u16-length-prefixed string, failing when it exceeds max.
func (c *cursor) str16(max int) []byte {
	n := int(c.u16())
	if n > max {
		c.bad = true
		return nil
	}
	return c.take(n)
}
