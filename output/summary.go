package output

import (
	"fmt"
	"io"

	"github.com/traceproj/trace/scap"
	"github.com/traceproj/trace/state"
)

// Summary counts events for sysdig's -S table. Like sysdig 0.29.3 it
// keeps one counter per event type and one per direction of each syscall
// code of the generic events, in that order, and sorts that table by
// count with the C++ library's (unstable) sort, which decides the order
// of equal counts.
type Summary struct {
	counts []uint64 // event types, then 2 per syscall code
	nev    int      // how many event types lead counts
	cur    bool     // counts are laid out for a current-layout capture
}

// NewSummary returns an empty summary.
func NewSummary() *Summary {
	return &Summary{counts: make([]uint64, scap.NumEvents029+2*scap.NumSyscalls029), nev: scap.NumEvents029}
}

// Add counts ev.
func (s *Summary) Add(ev *state.Event) {
	if ev.Current() && !s.cur {
		// Current captures have more event types and syscall codes
		// (sysdig 0.29.3's table, and its order of ties, stays as it
		// is for the others).
		s.cur, s.nev = true, scap.NumEventsAll
		old := s.counts
		s.counts = make([]uint64, scap.NumEventsAll+2*scap.NumSyscallsHead)
		copy(s.counts, old[:scap.NumEvents029])
	}
	i := int(ev.Type)
	if ev.Type == scap.PPME_GENERIC_E || ev.Type == scap.PPME_GENERIC_X {
		p := ev.Param(0)
		if len(p) < 2 {
			return
		}
		i = s.nev + 2*int(uint16(p[0])|uint16(p[1])<<8) + int(ev.Type&1)
	} else if i >= s.nev {
		return
	}
	if i < len(s.counts) {
		s.counts[i]++
	}
}

// summaryRow is one entry of the table.
type summaryRow struct {
	id    int // index in Summary.counts
	calls uint64
}

// Print prints the table: the 100 most frequent events, most frequent
// first.
func (s *Summary) Print(w io.Writer) {
	rows := make([]summaryRow, len(s.counts))
	for i, n := range s.counts {
		rows[i] = summaryRow{i, n}
	}
	cxxSort(rows, func(a, b *summaryRow) bool { return a.calls > b.calls })
	fmt.Fprintf(w, "----------------------\nEvent           #Calls\n----------------------\n")
	for i, r := range rows {
		if i >= 100 || r.calls == 0 {
			break
		}
		var name string
		dir := byte('>')
		if r.id < s.nev {
			name = scap.InfoFor(uint16(r.id), s.cur).Name
			if r.id&1 == 1 {
				dir = '<'
			}
		} else {
			g := r.id - s.nev
			name = scap.SyscallName029(uint16(g / 2))
			if s.cur {
				name = scap.SyscallNameHead(uint16(g / 2))
			}
			if g&1 == 1 {
				dir = '<'
			}
		}
		// The name takes exactly 16 columns: cut or padded.
		if len(name) > 16 {
			name = name[:16]
		}
		fmt.Fprintf(w, "%c %-16s%d\n", dir, name, r.calls)
	}
}
