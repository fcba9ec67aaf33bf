// Package procscan reads the initial state of a live capture from /proc,
// /etc and /sys: machine info, network interfaces, users and groups, and
// every thread of every process with its open file descriptors. The
// result is a *scap.Metadata, the form in which a capture file stores it
// (the MI, IL, UL, PL and FDL blocks).
//
// All paths come from Options, so tests run on fake trees without root.
package procscan

import (
	"bufio"
	"bytes"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/traceproj/trace/scap"
)

// Options locate the trees to read. Empty fields take the live system's.
type Options struct {
	Proc string // default "/proc"
	Etc  string // default "/etc" (passwd, group)
	// CgroupRoot is the mount point of the unified (v2) cgroup hierarchy,
	// whose cgroup.controllers names the controllers of "0::" lines.
	// Default: found in <Proc>/self/mountinfo.
	CgroupRoot string
	// NoInterfaces skips the interface list (read through the network
	// stack, not from Proc).
	NoInterfaces bool
	// NoFDs skips the fd tables.
	NoFDs bool
}

func (o *Options) defaults() {
	if o.Proc == "" {
		o.Proc = "/proc"
	}
	if o.Etc == "" {
		o.Etc = "/etc"
	}
}

// Scan reads everything: machine info, interfaces, users, groups and
// threads with their fds. Processes that exit during the scan are
// skipped.
func Scan(o Options) (*scap.Metadata, error) {
	o.defaults()
	m := &scap.Metadata{Major: 1, Minor: 2}
	mi, err := Machine(o)
	if err != nil {
		return nil, err
	}
	m.Machine = mi
	if !o.NoInterfaces {
		ifs, err := Interfaces()
		if err == nil {
			m.Interfaces = ifs
		}
	}
	m.Users, m.Groups = Users(o)
	th, err := Threads(o)
	if err != nil {
		return nil, err
	}
	m.Threads = th
	return m, nil
}

// Machine reads the machine info: online CPUs, memory, the pid limit,
// the host name and the boot time.
func Machine(o Options) (*scap.MachineInfo, error) {
	o.defaults()
	mi := &scap.MachineInfo{}
	stat, err := os.ReadFile(filepath.Join(o.Proc, "stat"))
	if err != nil {
		return nil, err
	}
	for _, line := range strings.Split(string(stat), "\n") {
		f := strings.Fields(line)
		if len(f) == 0 {
			continue
		}
		switch {
		case strings.HasPrefix(f[0], "cpu") && len(f[0]) > 3:
			mi.NumCPUs++
		case f[0] == "btime" && len(f) > 1:
			if v, err := strconv.ParseUint(f[1], 10, 64); err == nil {
				mi.BootTime = v * 1e9
			}
		}
	}
	if b, err := os.ReadFile(filepath.Join(o.Proc, "meminfo")); err == nil {
		for _, line := range strings.Split(string(b), "\n") {
			if f := strings.Fields(line); len(f) >= 2 && f[0] == "MemTotal:" {
				if v, err := strconv.ParseUint(f[1], 10, 64); err == nil {
					mi.MemoryBytes = v * 1024
				}
			}
		}
	}
	mi.MaxPID = readUint(filepath.Join(o.Proc, "sys/kernel/pid_max"))
	if b, err := os.ReadFile(filepath.Join(o.Proc, "sys/kernel/hostname")); err == nil {
		mi.Hostname = strings.TrimSpace(string(b))
	} else if h, err := os.Hostname(); err == nil {
		mi.Hostname = h
	}
	return mi, nil
}

// Users reads /etc/passwd and /etc/group; missing files give empty lists.
func Users(o Options) ([]scap.User, []scap.Group) {
	o.defaults()
	var users []scap.User
	eachRow(filepath.Join(o.Etc, "passwd"), false, 7, splitColon, func(f []string) {
		uid, err1 := strconv.ParseUint(f[2], 10, 32)
		gid, err2 := strconv.ParseUint(f[3], 10, 32)
		if err1 != nil || err2 != nil {
			return
		}
		users = append(users, scap.User{UID: uint32(uid), GID: uint32(gid), Name: f[0], HomeDir: f[5], Shell: f[6]})
	})
	var groups []scap.Group
	eachRow(filepath.Join(o.Etc, "group"), false, 3, splitColon, func(f []string) {
		gid, err := strconv.ParseUint(f[2], 10, 32)
		if err != nil {
			return
		}
		groups = append(groups, scap.Group{GID: uint32(gid), Name: f[0]})
	})
	return users, groups
}

func eachLine(path string, fn func(string)) {
	f, err := os.Open(path)
	if err != nil {
		return
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for sc.Scan() {
		line := sc.Text()
		if line == "" || line[0] == '#' {
			continue
		}
		fn(line)
	}
}

// eachRow calls fn with the fields (cut by split) of each line of path
// that has at least min of them; header skips the first line.
func eachRow(path string, header bool, min int, split func(string) []string, fn func([]string)) {
	eachLine(path, func(line string) {
		if header {
			header = false
			return
		}
		if f := split(line); len(f) >= min {
			fn(f)
		}
	})
}

func splitColon(s string) []string { return strings.Split(s, ":") }

func readUint(path string) uint64 {
	b, err := os.ReadFile(path)
	if err != nil {
		return 0
	}
	v, _ := strconv.ParseUint(string(bytes.TrimSpace(b)), 10, 64)
	return v
}
