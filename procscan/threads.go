package procscan

import (
	"bytes"
	"encoding/binary"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/traceproj/trace/scap"
)

// Threads reads every thread of every process, with the fds of each
// process attached to its main thread.
func Threads(o Options) ([]scap.Thread, error) {
	o.defaults()
	ents, err := os.ReadDir(o.Proc)
	if err != nil {
		return nil, err
	}
	var pids []int
	for _, e := range ents {
		if pid, err := strconv.Atoi(e.Name()); err == nil && pid > 0 {
			pids = append(pids, pid)
		}
	}
	sort.Ints(pids)
	s := &scanner{o: o, nets: map[string]*netTables{}}
	s.controllers = s.unifiedControllers()
	// Processes are read by a few workers (a process is some twenty
	// small /proc reads, mostly waiting on the kernel) and put back in
	// pid order.
	per := make([][]scap.Thread, len(pids))
	workers := min(runtime.GOMAXPROCS(0), maxWorkers, len(pids))
	var next atomic.Int64
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1) - 1)
				if i >= len(pids) {
					return
				}
				per[i] = s.process(nil, pids[i])
			}
		}()
	}
	wg.Wait()
	n := 0
	for _, th := range per {
		n += len(th)
	}
	out := make([]scap.Thread, 0, n)
	for _, th := range per {
		out = append(out, th...)
	}
	return out, nil
}

// maxWorkers bounds the goroutines of a scan.
const maxWorkers = 8

type scanner struct {
	o           Options
	controllers []string // of the unified hierarchy

	mu   sync.Mutex // guards nets
	nets map[string]*netTables
}

// process appends the threads of pid.
func (s *scanner) process(out []scap.Thread, pid int) []scap.Thread {
	pdir := filepath.Join(s.o.Proc, strconv.Itoa(pid))
	tents, err := os.ReadDir(filepath.Join(pdir, "task"))
	var tids []int
	if err == nil {
		for _, e := range tents {
			if tid, err := strconv.Atoi(e.Name()); err == nil {
				tids = append(tids, tid)
			}
		}
	}
	if len(tids) == 0 {
		tids = []int{pid} // no task directory (fake trees, races)
	}
	sort.Ints(tids)
	// Per-process data, read once.
	cmdline, err := os.ReadFile(filepath.Join(pdir, "cmdline"))
	if err != nil {
		return out // gone
	}
	env, _ := os.ReadFile(filepath.Join(pdir, "environ"))
	exePath, _ := os.Readlink(filepath.Join(pdir, "exe"))
	cwd, _ := os.Readlink(filepath.Join(pdir, "cwd"))
	root, _ := os.Readlink(filepath.Join(pdir, "root"))
	fdlimit := openFileLimit(filepath.Join(pdir, "limits"))
	loginuid := uint32(0xffffffff)
	if b, err := os.ReadFile(filepath.Join(pdir, "loginuid")); err == nil {
		if v, err := strconv.ParseUint(string(bytes.TrimSpace(b)), 10, 32); err == nil {
			loginuid = uint32(v)
		}
	}
	exeWritable := byte(0)
	if exePath != "" && writable(filepath.Join(pdir, "exe")) {
		exeWritable = 1
	}
	var fds []scap.FDInfo
	if !s.o.NoFDs {
		fds = s.fds(pdir)
	}
	for _, tid := range tids {
		tdir := filepath.Join(pdir, "task", strconv.Itoa(tid))
		if _, err := os.Stat(tdir); err != nil {
			tdir = pdir
		}
		t, ok := s.thread(tdir, pid, tid)
		if !ok {
			continue
		}
		exe, args := splitCmdline(cmdline)
		if len(cmdline) == 0 {
			exe = t.Comm // kernel threads
		}
		t.Exe = exe
		t.Args = args
		t.ExePath = exePath
		t.Env = env
		t.Cwd = cwd
		t.Root = root
		t.FDLimit = fdlimit
		tail := make([]byte, 5)
		binary.LittleEndian.PutUint32(tail, loginuid)
		tail[4] = exeWritable
		t.Tail = tail
		if tid == pid {
			t.FDs = fds
		} else {
			// sysdig flags threads that are not their process's main thread
			t.Flags |= scap.PPM_CL_CLONE_THREAD | scap.PPM_CL_CLONE_FILES
		}
		out = append(out, t)
	}
	return out
}

// thread reads the per-thread files: comm, status, stat and cgroup.
func (s *scanner) thread(dir string, pid, tid int) (scap.Thread, bool) {
	t := scap.Thread{Tid: int64(tid), Pid: int64(pid), Vtid: int64(tid), Vpid: int64(pid)}
	status, err := os.ReadFile(filepath.Join(dir, "status"))
	if err != nil {
		return t, false
	}
	if b, err := os.ReadFile(filepath.Join(dir, "comm")); err == nil {
		t.Comm = strings.TrimRight(string(b), "\n")
	}
	for _, line := range strings.Split(string(status), "\n") {
		k, v, ok := strings.Cut(line, ":")
		if !ok {
			continue
		}
		f := strings.Fields(v)
		if len(f) == 0 {
			continue
		}
		last := f[len(f)-1]
		switch k {
		case "Name":
			if t.Comm == "" {
				t.Comm = strings.TrimSpace(v)
			}
		case "PPid":
			t.Ptid = atoi(f[0])
		case "Uid":
			if len(f) > 1 {
				t.UID = uint32(atoi(f[1])) // effective
			}
		case "Gid":
			if len(f) > 1 {
				t.GID = uint32(atoi(f[1]))
			}
		case "NSpid":
			t.Vtid = atoi(last)
		case "NStgid":
			t.Vpid = atoi(last)
		case "NSpgid":
			t.Vpgid = atoi(last)
		case "NSsid":
			t.Sid = atoi(last)
		case "VmSize":
			t.VMSize = uint32(atoi(f[0]))
		case "VmRSS":
			t.VMRSS = uint32(atoi(f[0]))
		case "VmSwap":
			t.VMSwap = uint32(atoi(f[0]))
		}
	}
	if b, err := os.ReadFile(filepath.Join(dir, "stat")); err == nil {
		// Fields after the comm, which may contain spaces and parentheses.
		if i := bytes.LastIndexByte(b, ')'); i >= 0 {
			f := strings.Fields(string(b[i+1:]))
			// f[0] is field 3 (state); pgrp 5, session 6, minflt 10, majflt 12.
			if len(f) > 10 {
				if t.Vpgid == 0 {
					t.Vpgid = atoi(f[2])
				}
				if t.Sid == 0 {
					t.Sid = atoi(f[3])
				}
				t.PFMinor = uint64(atoi(f[7]))
				t.PFMajor = uint64(atoi(f[9]))
			}
		}
	}
	t.Cgroups = s.cgroups(filepath.Join(dir, "cgroup"))
	return t, true
}

// splitCmdline splits /proc/PID/cmdline into argv[0] and the remaining
// NUL-terminated arguments.
func splitCmdline(b []byte) (string, []byte) {
	i := bytes.IndexByte(b, 0)
	if i < 0 {
		return string(b), nil
	}
	return string(b[:i]), b[i+1:]
}

func openFileLimit(path string) uint64 {
	var v uint64
	eachLine(path, func(line string) {
		if strings.HasPrefix(line, "Max open files") {
			f := strings.Fields(line[len("Max open files"):])
			if len(f) > 0 {
				if f[0] == "unlimited" {
					v = ^uint64(0)
				} else {
					v, _ = strconv.ParseUint(f[0], 10, 64)
				}
			}
		}
	})
	return v
}

// cgroups turns /proc/PID/cgroup into NUL-separated "subsys=path"
// entries: one per controller of a v1 line; for the unified (v2) line,
// whose controller list is empty, one per controller enabled in the
// unified hierarchy, or a single entry with an empty name when it has
// none.
func (s *scanner) cgroups(path string) []byte {
	var out []byte
	eachLine(path, func(line string) {
		parts := strings.SplitN(line, ":", 3)
		if len(parts) != 3 {
			return
		}
		ctrls, p := parts[1], parts[2]
		var names []string
		if ctrls != "" {
			names = strings.Split(ctrls, ",")
		} else if len(s.controllers) > 0 {
			names = s.controllers
		} else {
			names = []string{""}
		}
		for _, n := range names {
			out = append(out, n...)
			out = append(out, '=')
			out = append(out, p...)
			out = append(out, 0)
		}
	})
	return out
}

// unifiedControllers reads the controllers of the cgroup v2 hierarchy.
func (s *scanner) unifiedControllers() []string {
	root := s.o.CgroupRoot
	if root == "" {
		eachLine(filepath.Join(s.o.Proc, "self/mountinfo"), func(line string) {
			// ... mount-point ... - fstype source options
			pre, post, ok := strings.Cut(line, " - ")
			if !ok || root != "" {
				return
			}
			if f := strings.Fields(post); len(f) > 0 && f[0] == "cgroup2" {
				if pf := strings.Fields(pre); len(pf) > 4 {
					root = pf[4]
				}
			}
		})
	}
	if root == "" {
		return nil
	}
	b, err := os.ReadFile(filepath.Join(root, "cgroup.controllers"))
	if err != nil {
		return nil
	}
	return strings.Fields(string(b))
}

func atoi(s string) int64 {
	v, _ := strconv.ParseInt(s, 10, 64)
	return v
}
