package fields

import (
	"io"
	"strings"

	"github.com/traceproj/trace/scap"
)

// unlisted029 are the event types `sysdig -L` (0.29.3) leaves out: old
// versions of events, unused slots and internal events (read back from
// its output).
var unlisted029 = func() map[uint16]bool {
	m := map[uint16]bool{}
	for _, t := range []uint16{10, 11, 12, 13, 14, 15, 16, 17, 26, 27, 56, 57, 90, 91, 102, 103, 104, 105,
		106, 107, 108, 109, 110, 111, 146, 147, 148, 149, 153, 154, 155, 156, 157, 172, 173, 182, 183,
		184, 185, 187, 196, 197, 214, 215, 217, 218, 219, 220, 221, 222, 228, 229, 233, 234, 235, 245,
		260, 261, 270, 271, 273, 281, 282, 283, 286, 287, 288, 289, 291, 323, 325} {
		m[t] = true
	}
	return m
}()

// WriteEventList prints the event types with their parameters as
// `sysdig -L` does.
func WriteEventList(w io.Writer) {
	var b strings.Builder
	for t := 0; t < scap.NumEvents029; t++ {
		if unlisted029[uint16(t)] {
			continue
		}
		info := scap.Info(uint16(t))
		if info.Dir == scap.DirEnter {
			b.WriteString("> ")
		} else {
			b.WriteString("< ")
		}
		b.WriteString(info.Name)
		b.WriteByte('(')
		for i, p := range info.Params {
			if i > 0 {
				b.WriteString(", ")
			}
			b.WriteString(p.Type.String())
			b.WriteByte(' ')
			b.WriteString(p.Name)
		}
		b.WriteString(")\n")
	}
	io.WriteString(w, b.String())
}
