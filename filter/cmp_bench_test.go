package filter

import (
	"testing"

	"github.com/traceproj/trace/fields"
)

// benchCmp measures one comparator on a fixed value: the part of a check
// that runs after extraction.
func benchCmp(b *testing.B, field, op, operand string, v fields.Value) {
	f, err := fields.ParseExact(field)
	if err != nil {
		b.Fatal(err)
	}
	o, err := f.ParseOperand(operand)
	if err != nil {
		b.Fatal(err)
	}
	c := &compiler{}
	cmp := c.comparator(&Check{Op: op}, f, []*fields.Operand{o})
	b.ReportAllocs()
	n := 0
	for b.Loop() {
		if cmp(&v) {
			n++
		}
		v.N++
	}
	_ = n
}

func BenchmarkCmpInt(b *testing.B) {
	benchCmp(b, "proc.pid", "<", "1000", fields.Value{T: fields.TInt64})
}
func BenchmarkCmpUint(b *testing.B) {
	benchCmp(b, "evt.num", ">=", "1000", fields.Value{T: fields.TUint64})
}
func BenchmarkCmpDouble(b *testing.B) {
	benchCmp(b, "proc.fdusage", ">", "10", fields.Value{T: fields.TDouble, F: 20})
}
func BenchmarkCmpString(b *testing.B) {
	benchCmp(b, "proc.name", "=", "nano", fields.Value{T: fields.TCharbuf, S: []byte("bash")})
}
func BenchmarkCmpStringLess(b *testing.B) {
	benchCmp(b, "proc.name", "<", "nano", fields.Value{T: fields.TCharbuf, S: []byte("bash")})
}
