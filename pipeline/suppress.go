package pipeline

import (
	"bytes"
	"encoding/binary"

	"github.com/traceproj/trace/scap"
)

// suppressor implements -U (--suppress-comm) the way sysdig's capture
// library does, before any state is kept or any event numbered: a thread
// becomes suppressed at a clone, fork, vfork or execve exit whose comm is
// one of the names, or whose parent is suppressed; from then on its events
// are dropped until its procexit. Threads already running when the capture
// starts are not suppressed until they clone or exec.
type suppressor struct {
	comms map[string]bool
	tids  map[uint64]struct{}
	n     int64 // events dropped
}

func newSuppressor(comms []string) *suppressor {
	s := &suppressor{comms: map[string]bool{}, tids: map[uint64]struct{}{}}
	for _, c := range comms {
		s.comms[c] = true
	}
	return s
}

// reset forgets the suppressed threads and the count (a new input
// starts). Live, the threads found in /proc with a suppressed name are
// suppressed from the start, as sysdig's /proc scan does (threads in a
// capture file's process list are not).
func (s *suppressor) reset(md *scap.Metadata, live bool) {
	clear(s.tids)
	s.n = 0
	if live && md != nil {
		for i := range md.Threads {
			if th := &md.Threads[i]; s.comms[th.Comm] {
				s.tids[uint64(th.Tid)] = struct{}{}
			}
		}
	}
}

// lineage holds, for the events that start a process image, the indexes
// of their ptid and comm parameters.
var lineage = func() map[uint16][2]int {
	m := map[uint16][2]int{}
	for _, t := range []uint16{scap.PPME_SYSCALL_CLONE_20_X, scap.PPME_SYSCALL_FORK_20_X, scap.PPME_SYSCALL_VFORK_20_X,
		scap.PPME_SYSCALL_EXECVE_19_X, scap.PPME_SYSCALL_EXECVEAT_X, scap.PPME_SYSCALL_CLONE3_X} {
		info := scap.Info(t)
		if info == nil {
			continue
		}
		ptid, comm := -1, -1
		for i, p := range info.Params {
			switch p.Name {
			case "ptid":
				ptid = i
			case "comm":
				comm = i
			}
		}
		if ptid >= 0 && comm >= 0 {
			m[t] = [2]int{ptid, comm}
		}
	}
	return m
}()

// drop reports whether ev is suppressed, updating the suppressed threads.
func (s *suppressor) drop(ev *scap.Event) bool {
	if idx, ok := lineage[ev.Type]; ok && ev.NumParams() > idx[1] {
		_, had := s.tids[ev.Tid]
		sup := false
		if p := ev.Param(idx[0]); len(p) >= 8 {
			_, sup = s.tids[binary.LittleEndian.Uint64(p)]
		}
		if !sup {
			comm := ev.Param(idx[1])
			if i := bytes.IndexByte(comm, 0); i >= 0 {
				comm = comm[:i]
			}
			sup = s.comms[string(comm)]
		}
		switch {
		case sup && !had:
			s.tids[ev.Tid] = struct{}{}
		case !sup && had:
			delete(s.tids, ev.Tid)
		}
		if sup {
			s.n++
		}
		return sup
	}
	if _, ok := s.tids[ev.Tid]; ok {
		if ev.Type == scap.PPME_PROCEXIT_1_E {
			delete(s.tids, ev.Tid)
		}
		s.n++
		return true
	}
	return false
}
