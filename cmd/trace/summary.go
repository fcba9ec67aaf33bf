package main

import (
	"bufio"
	"fmt"
	"sort"

	"github.com/traceproj/trace/fields"
	"github.com/traceproj/trace/scap"
	"github.com/traceproj/trace/state"
)

type summaryKey struct {
	name string
	exit bool
}

type summary struct {
	counts map[summaryKey]uint64
	order  []summaryKey
}

func newSummary() *summary { return &summary{counts: map[summaryKey]uint64{}} }

func (s *summary) add(ev *state.Event) {
	name := ev.Info.Name
	if ev.Type == scap.PPME_GENERIC_E || ev.Type == scap.PPME_GENERIC_X {
		name = fields.EventTypeName(ev)
	}
	k := summaryKey{name, ev.Type&1 == 1}
	if _, ok := s.counts[k]; !ok {
		s.order = append(s.order, k)
	}
	s.counts[k]++
}

func (s *summary) print(w *bufio.Writer) {
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
