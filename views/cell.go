package views

import (
	"bytes"
	"encoding/binary"
	"math"

	"github.com/traceproj/trace/fields"
)

// cell is one aggregated value of a row, typed by its column: integers,
// booleans and times in n (two's complement, at the type's width), doubles
// in f, strings and addresses in s. cnt counts the values averaged into
// it (0 for a default value).
type cell struct {
	n   uint64
	f   float64
	s   []byte
	cnt uint32
}

// setValue stores an extracted value.
func (c *cell) setValue(t fields.Type, v *fields.Value) {
	c.n, c.f = v.N, v.F
	switch t {
	case fields.TCharbuf:
		s := v.S
		if i := bytes.IndexByte(s, 0); i >= 0 {
			s = s[:i]
		}
		c.s = append(c.s[:0], s...)
	case fields.TIPAddr, fields.TIPNet:
		s := v.S
		if len(s) == 4 && cap(s) >= 16 {
			// csysdig's table copies an address as 16 bytes: an IPv4
			// one comes with the bytes that follow it in the fd's
			// socket tuple, and prints as IPv6
			s = s[:16]
		}
		c.s = append(c.s[:0], s...)
	case fields.TBytebuf:
		c.s = append(c.s[:0], v.S...)
	default:
		c.s = c.s[:0]
	}
	if t == fields.TDouble {
		c.n = 0
	}
	c.n = norm(t, c.n)
	c.cnt = 1
}

func (c *cell) copyFrom(o *cell) {
	c.n, c.f, c.cnt = o.n, o.f, o.cnt
	c.s = append(c.s[:0], o.s...)
}

// keyBytes appends what identifies the cell's value as a row key.
func (c *cell) keyBytes(b []byte, t fields.Type) []byte {
	switch t {
	case fields.TCharbuf, fields.TBytebuf, fields.TIPAddr, fields.TIPNet:
		return append(b, c.s...)
	case fields.TDouble:
		return binary.LittleEndian.AppendUint64(b, math.Float64bits(c.f))
	}
	return binary.LittleEndian.AppendUint64(b, c.n)
}

// norm truncates n to the width of t, sign-extending signed types.
func norm(t fields.Type, n uint64) uint64 {
	switch t {
	case fields.TUint32, fields.TBool:
		return n & 0xffffffff
	case fields.TInt32:
		return uint64(int64(int32(n)))
	case fields.TInt16:
		return uint64(int64(int16(n)))
	case fields.TPort:
		return n & 0xffff
	}
	return n
}

func isInt(t fields.Type) bool {
	switch t {
	case fields.TUint64, fields.TUint32, fields.TInt64, fields.TInt32, fields.TInt16:
		return true
	}
	return false
}

// summable reports whether SUM and AVG add values of t (csysdig leaves
// strings, addresses and ports alone).
func summable(t fields.Type) bool {
	switch t {
	case fields.TUint64, fields.TUint32, fields.TInt64, fields.TInt32, fields.TInt16,
		fields.TBool, fields.TRelTime, fields.TAbsTime, fields.TDouble:
		return true
	}
	return false
}

func (d *cell) sum(t fields.Type, s *cell) {
	if !summable(t) {
		return
	}
	if t == fields.TDouble {
		d.f += s.f
		return
	}
	d.n = norm(t, d.n+s.n)
}

// div divides the cell by cnt as csysdig's integer or double arithmetic
// does.
func div(t fields.Type, c *cell, cnt uint32) {
	if cnt == 0 {
		return
	}
	switch t {
	case fields.TDouble:
		c.f /= float64(cnt)
	case fields.TInt64:
		c.n = uint64(int64(c.n) / int64(cnt))
	case fields.TInt32, fields.TInt16:
		// promoted to unsigned int against the unsigned count
		c.n = norm(t, uint64(uint32(c.n)/cnt))
	default:
		if summable(t) {
			c.n = norm(t, c.n/uint64(cnt))
		}
	}
}

// sumOfAvg adds the averages of two cells and leaves one value.
func (d *cell) sumOfAvg(t fields.Type, s *cell) {
	if !summable(t) {
		d.cnt, s.cnt = 1, 1
		return
	}
	if d.cnt > 1 {
		div(t, d, d.cnt)
	}
	tmp := *s
	div(t, &tmp, s.cnt)
	d.sum(t, &tmp)
	d.cnt, s.cnt = 1, 1
}

// less compares two cells of type t (csysdig's "<" on raw values).
func less(t fields.Type, a, b *cell) bool {
	switch t {
	case fields.TInt64, fields.TInt32, fields.TInt16:
		return int64(a.n) < int64(b.n)
	case fields.TUint64, fields.TUint32, fields.TBool, fields.TRelTime, fields.TAbsTime, fields.TPort:
		return a.n < b.n
	case fields.TDouble:
		return a.f < b.f
	case fields.TCharbuf:
		return bytes.Compare(a.s, b.s) < 0
	}
	return false
}

func (d *cell) max(t fields.Type, s *cell) { d.keep(t, s, less(t, d, s)) }

func (d *cell) min(t fields.Type, s *cell) { d.keep(t, s, less(t, s, d)) }

// keep merges s into d for MAX and MIN: d takes s's number when better
// says s wins. csysdig's MAX and MIN of strings keep the latest one; they
// leave addresses and ports alone.
func (d *cell) keep(t fields.Type, s *cell, better bool) {
	switch t {
	case fields.TCharbuf, fields.TBytebuf:
		d.s = append(d.s[:0], s.s...)
	case fields.TIPAddr, fields.TIPNet, fields.TPort:
	default:
		if better {
			d.n, d.f = s.n, s.f
		}
	}
}

// add merges s into d with the aggregation a.
func (d *cell) add(t fields.Type, s *cell, a Aggregation) {
	switch a {
	case Sum, TimeAvg:
		if s.cnt < 2 {
			d.sum(t, s)
		} else {
			d.sumOfAvg(t, s)
		}
	case Avg:
		d.cnt += s.cnt
		d.sum(t, s)
	case Max:
		d.max(t, s)
	case Min:
		if s.cnt != 0 {
			if d.cnt == 0 {
				d.sum(t, s)
				d.cnt++
			} else {
				d.min(t, s)
			}
		}
	}
}

// avgLess is the sort comparison when a cell holds an average: the values
// divided by their counts.
func avgLess(t fields.Type, a, b *cell) bool {
	if !summable(t) {
		return less(t, a, b)
	}
	x, y := *a, *b
	if x.cnt > 1 {
		div(t, &x, x.cnt)
	}
	if y.cnt > 1 {
		div(t, &y, y.cnt)
	}
	return less(t, &x, &y)
}
