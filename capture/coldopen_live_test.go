//go:build linux && amd64

package capture

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
	"unsafe"

	"golang.org/x/sys/unix"

	"github.com/traceproj/trace/scap"
)

// coldStride is the distance between two paths in coldOpens' mapping:
// more than the kernel maps around a faulting page (fault_around_bytes,
// 64 KiB by default).
const coldStride = 128 << 10

// coldOpens is the workload of TestLiveColdPathNames: it opens every path
// listed in TRACE_CHILD_NAMES (one a line) straight from a fresh
// shared-memory mapping, each path coldStride bytes from the next, so
// that the page holding a path has no page-table entry yet when its
// openat starts. The probe at the syscall's entry cannot fault the page
// in; the kernel's own copy does.
func coldOpens() error {
	list, err := os.ReadFile(os.Getenv("TRACE_CHILD_NAMES"))
	if err != nil {
		return err
	}
	names := strings.Fields(string(list))
	fd, err := unix.MemfdCreate("cold-names", unix.MFD_CLOEXEC)
	if err != nil {
		return err
	}
	f := os.NewFile(uintptr(fd), "cold-names")
	defer f.Close()
	size := len(names) * coldStride
	if err := f.Truncate(int64(size)); err != nil {
		return err
	}
	for i, n := range names {
		if _, err := f.WriteAt(append([]byte(n), 0), int64(i*coldStride)); err != nil {
			return err
		}
	}
	for round := 0; round < 2; round++ {
		m, err := unix.Mmap(fd, 0, size, unix.PROT_READ, unix.MAP_SHARED)
		if err != nil {
			return err
		}
		for i := range names {
			p := unsafe.Pointer(&m[i*coldStride])
			fd, _, errno := unix.Syscall6(unix.SYS_OPENAT, atFDCWD, uintptr(p), unix.O_RDONLY|unix.O_CLOEXEC, 0, 0, 0)
			if errno != 0 {
				return fmt.Errorf("openat %d: %v", i, errno)
			}
			unix.Close(int(fd))
		}
		if err := unix.Munmap(m); err != nil {
			return err
		}
	}
	return nil
}

// TestLiveColdPathNames opens paths whose user pages are not mapped yet
// when openat starts: the enter event must carry the same name as the
// exit, and the verbose counters say how many enter strings had to be
// completed from their exit.
func TestLiveColdPathNames(t *testing.T) {
	needLive(t)
	dir := t.TempDir()
	tag := strconv.FormatInt(time.Now().UnixNano()%1e6, 36)
	const n = 100
	var paths []string
	for i := 0; i < n; i++ {
		p := filepath.Join(dir, fmt.Sprintf("cold-%s-%03d", tag, i))
		if err := os.WriteFile(p, nil, 0o600); err != nil {
			t.Fatal(err)
		}
		paths = append(paths, p)
	}
	list := filepath.Join(dir, "names")
	if err := os.WriteFile(list, []byte(strings.Join(paths, "\n")), 0o600); err != nil {
		t.Fatal(err)
	}

	c, err := Open(Options{EventTypes: []uint16{scap.PPME_SYSCALL_OPENAT_2_E, scap.PPME_SYSCALL_OPENAT_2_X}, SkipProcScan: true})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	child := uint64(runWorkload(t, "TRACE_CAPTURE_CHILD=coldopen", "TRACE_CHILD_NAMES="+list))
	c.Stop()
	evs := drain(t, c)
	st := c.Stats()
	t.Logf("%d events, stats %+v", len(evs), st)

	enters, exits := map[string]int{}, map[string]int{}
	var emptyEnters int
	var last uint64
	for i, e := range evs {
		if e.ev.Ts < last {
			t.Errorf("event %d: timestamp %d before %d", i, e.ev.Ts, last)
		}
		last = e.ev.Ts
		if e.ev.Tid != child {
			continue
		}
		name := e.str("name")
		switch e.ev.Type {
		case scap.PPME_SYSCALL_OPENAT_2_E:
			if strings.HasPrefix(name, dir) {
				enters[name]++
			} else if name == "" {
				emptyEnters++
			}
		case scap.PPME_SYSCALL_OPENAT_2_X:
			if strings.HasPrefix(name, dir) {
				exits[name]++
			}
		}
	}
	for _, p := range paths {
		if enters[p] != 2 || exits[p] != 2 {
			t.Errorf("%s: %d enter and %d exit events name it, want 2 of each", filepath.Base(p), enters[p], exits[p])
		}
	}
	// Both rounds map the paths afresh: each of their enters should
	// have found its page unmapped (at least most of them, whatever the
	// kernel maps ahead).
	if st.Strings.Completed < n || st.Strings.Completed > st.Strings.Unreadable {
		t.Errorf("%d unreadable strings, %d completed from their exit: want at least %d completed", st.Strings.Unreadable, st.Strings.Completed, n)
	}
	if emptyEnters > 0 {
		t.Errorf("%d openat enter events of the workload have no name", emptyEnters)
	}
}

// atFDCWD is AT_FDCWD as the raw syscall argument.
var atFDCWD = func() uintptr { v := unix.AT_FDCWD; return uintptr(v) }()
