package views

import (
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/traceproj/trace/fields"
)

// Number formatting of csysdig's tables: byte counts scaled to K, M, G,
// T, P (powers of 1024) and times in ns, us, ms, s, m:s or h:m:s, right
// aligned in a column of the given width.

// FormatBytes renders v scaled to a unit suffix in width characters
// (integers without decimals, others with two).
func FormatBytes(v float64, width int, isInt bool) string {
	prec := 2
	if isInt {
		prec = 0
	}
	const k = 1024.0
	var s string
	switch {
	case v > k*k*k*k*k:
		s = fmt.Sprintf("%*.*f%c", width-1, prec, v/(k*k*k*k*k), 'P')
	case v > k*k*k*k:
		s = fmt.Sprintf("%*.*f%c", width-1, prec, v/(k*k*k*k), 'T')
	case v > k*k*k:
		s = fmt.Sprintf("%*.*f%c", width-1, prec, v/(k*k*k), 'G')
	case v > k*k:
		s = fmt.Sprintf("%*.*f%c", width-1, prec, v/(k*k), 'M')
	case v > k:
		s = fmt.Sprintf("%*.*f%c", width-1, prec, v/k, 'K')
	default:
		s = fmt.Sprintf("%*.*f", width, prec, v)
	}
	if len(s) > width {
		s = s[len(s)-width:]
	}
	return s
}

// FormatTime renders a duration in nanoseconds, right aligned in width.
func FormatTime(ns uint64, width int) string {
	const sec = 1000000000
	var s string
	switch {
	case ns >= 3600*sec:
		s = fmt.Sprintf("%.2d:%.2d:%.2d", uint32(ns/(3600*sec)), uint32((ns/(60*sec))%60), uint32((ns/sec)%60))
	case ns >= 60*sec:
		s = fmt.Sprintf("%d:%d", uint32(ns/(60*sec)), uint32((ns/sec)%60))
	case ns >= sec:
		s = fmt.Sprintf("%d.%02ds", uint32(ns/sec), uint32((ns%sec)/10000000))
	case ns >= sec/100:
		s = fmt.Sprintf("%dms", uint32(ns/(sec/1000)))
	case ns >= sec/1000:
		s = fmt.Sprintf("%d.%02dms", uint32(ns/(sec/1000)), uint32((ns%1000000)/10000))
	case ns >= sec/100000:
		s = fmt.Sprintf("%dus", uint32(ns/(sec/1000000)))
	case ns >= sec/1000000:
		s = fmt.Sprintf("%d.%02dus", uint32(ns/(sec/1000000)), uint32((ns%1000)/10))
	default:
		s = fmt.Sprintf("%dns", uint32(ns))
	}
	if len(s) < width {
		s = strings.Repeat(" ", width-len(s)) + s
	}
	return s
}

// printer renders one cell of a column type the way csysdig's table
// printer does; cnt is the divisor (the values averaged, or the seconds of
// the sample for per-second columns).
type printer struct {
	ctx *fields.Ctx
	buf []byte
}

func (p *printer) value(t fields.Type, pf fields.PrintFmt, c *cell) fields.Value {
	return fields.Value{T: t, PF: pf, N: c.n, F: c.f, S: c.s}
}

func signedInt(t fields.Type, n uint64) int64 {
	switch t {
	case fields.TInt64, fields.TInt32, fields.TInt16:
		return int64(n)
	}
	return int64(n)
}

// nice is csysdig's text form of a table value, width 10.
func (p *printer) nice(t fields.Type, pf fields.PrintFmt, c *cell, cnt float64) string {
	return p.niceWidth(t, pf, c, cnt, 10)
}

// niceWidth is nice for a column of the given width.
func (p *printer) niceWidth(t fields.Type, pf fields.PrintFmt, c *cell, cnt float64, width int) string {
	if width < 1 {
		width = 1
	}
	switch {
	case isInt(t):
		if pf == fields.PFID || cnt == 1 || cnt == 0 {
			v := signedInt(t, c.n)
			if cnt > 1 {
				v /= int64(cnt)
			}
			if pf == fields.PFID {
				return fmt.Sprintf("%*d", width, v)
			}
			return FormatBytes(float64(v), width, true)
		}
		v := float64(signedInt(t, c.n))
		if t == fields.TUint64 {
			v = float64(c.n)
		}
		if cnt > 1 {
			v /= cnt
		}
		return FormatBytes(v, width, false)
	case t == fields.TRelTime:
		v := float64(c.n)
		if cnt > 1 {
			v /= cnt
		}
		return FormatTime(uint64(int64(v)), width)
	case t == fields.TDouble:
		v := c.f
		if cnt > 1 {
			v /= cnt
		}
		return fmt.Sprintf("%*.2f", width, v)
	}
	v := p.value(t, pf, c)
	p.buf = fields.AppendValue(p.buf[:0], &v, p.ctx)
	return string(p.buf)
}

// plain is the value as a filter or a drill-down sees it (no scaling).
func (p *printer) plain(t fields.Type, pf fields.PrintFmt, c *cell) string {
	v := p.value(t, pf, c)
	p.buf = fields.AppendValue(p.buf[:0], &v, p.ctx)
	return string(p.buf)
}

// json appends the JSON form of a table value.
func (p *printer) json(b []byte, t fields.Type, pf fields.PrintFmt, c *cell, cnt float64) []byte {
	switch t {
	case fields.TRelTime:
		v := float64(c.n)
		if cnt > 1 {
			v /= cnt
		}
		return fields.AppendJSONString(b, []byte(FormatTime(uint64(int64(v)), 10)))
	case fields.TDouble:
		v := c.f
		if cnt > 1 {
			v /= cnt
		}
		return appendJSONDouble(b, v)
	}
	v := p.value(t, pf, c)
	return fields.AppendJSONValue(b, &v, p.ctx)
}

// appendJSONDouble writes a double as jsoncpp does: 17 significant
// digits, ".0" added to integral values.
func appendJSONDouble(b []byte, v float64) []byte {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return append(b, "null"...)
	}
	s := strconv.FormatFloat(v, 'g', 17, 64)
	if !strings.ContainsAny(s, ".e") {
		s += ".0"
	}
	return append(b, s...)
}
