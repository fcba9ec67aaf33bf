package output

import (
	"fmt"
	"io"
	"sort"

	"github.com/traceproj/trace/fields"
	"github.com/traceproj/trace/state"
)

type summaryKey struct {
	name string
	exit bool
}

// Summary counts events by type and direction for sysdig's -S table.
type Summary struct {
	counts map[summaryKey]uint64
	order  []summaryKey
}

// NewSummary returns an empty summary.
func NewSummary() *Summary { return &Summary{counts: map[summaryKey]uint64{}} }

// Add counts ev.
func (s *Summary) Add(ev *state.Event) {
	k := summaryKey{fields.EventTypeName(ev), ev.Type&1 == 1}
	if _, ok := s.counts[k]; !ok {
		s.order = append(s.order, k)
	}
	s.counts[k]++
}

// Print prints the table: the 100 most frequent events, most frequent
// first (ties in the order they were first seen).
func (s *Summary) Print(w io.Writer) {
	keys := append([]summaryKey(nil), s.order...)
	sort.SliceStable(keys, func(i, j int) bool { return s.counts[keys[i]] > s.counts[keys[j]] })
	fmt.Fprintf(w, "----------------------\nEvent           #Calls\n----------------------\n")
	for i, k := range keys {
		if i >= 100 {
			break
		}
		dir := ">"
		if k.exit {
			dir = "<"
		}
		fmt.Fprintf(w, "%s %-16s%d\n", dir, k.name, s.counts[k])
	}
}
