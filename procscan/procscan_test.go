package procscan

import (
	"bytes"
	"encoding/binary"
	"net"
	"os"
	"testing"

	"github.com/traceproj/trace/scap"
)

func fakeOptions() Options {
	return Options{Proc: "testdata/proc", Etc: "testdata/etc", CgroupRoot: "testdata/cgroup", NoInterfaces: true}
}

func TestMachine(t *testing.T) {
	mi, err := Machine(fakeOptions())
	if err != nil {
		t.Fatal(err)
	}
	want := scap.MachineInfo{NumCPUs: 2, MemoryBytes: 2000000 * 1024, MaxPID: 4194304, Hostname: "fakehost", BootTime: 1700000000e9}
	if *mi != want {
		t.Errorf("got %+v\nwant %+v", *mi, want)
	}
}

func TestUsers(t *testing.T) {
	users, groups := Users(fakeOptions())
	wantU := []scap.User{
		{UID: 0, GID: 0, Name: "root", HomeDir: "/root", Shell: "/bin/bash"},
		{UID: 1000, GID: 100, Name: "u", HomeDir: "/home/u", Shell: "/bin/sh"},
	}
	wantG := []scap.Group{{GID: 0, Name: "root"}, {GID: 100, Name: "users"}}
	if len(users) != len(wantU) || len(groups) != len(wantG) {
		t.Fatalf("users %+v groups %+v", users, groups)
	}
	for i := range wantU {
		if users[i] != wantU[i] {
			t.Errorf("user %d: %+v", i, users[i])
		}
	}
	for i := range wantG {
		if groups[i] != wantG[i] {
			t.Errorf("group %d: %+v", i, groups[i])
		}
	}
}

func TestThreads(t *testing.T) {
	th, err := Threads(fakeOptions())
	if err != nil {
		t.Fatal(err)
	}
	var tids []int64
	byTid := map[int64]*scap.Thread{}
	for i := range th {
		tids = append(tids, th[i].Tid)
		byTid[th[i].Tid] = &th[i]
	}
	if len(th) != 4 {
		t.Fatalf("threads %v, want 1, 2, 42, 43", tids)
	}
	init := byTid[1]
	if init.Comm != "init" || init.Exe != "/sbin/init" || string(init.Args) != "splash\x00" ||
		init.ExePath != "/nonexistent/systemd" || init.Cwd != "/home/u" || init.Root != "/" ||
		string(init.Env) != "HOME=/\x00" || init.FDLimit != 1024 {
		t.Errorf("init: %+v", init)
	}
	if init.Pid != 1 || init.Ptid != 1 || init.UID != 1001 || init.GID != 101 || init.Vpid != 7 || init.Vtid != 7 ||
		init.Vpgid != 7 || init.Sid != 7 || init.VMSize != 3060 || init.VMRSS != 1760 || init.VMSwap != 4 ||
		init.PFMinor != 120 || init.PFMajor != 3 || init.Flags != 0 {
		t.Errorf("init ids/counters: %+v", init)
	}
	wantCg := "cpu=/user.slice\x00cpuacct=/user.slice\x00name=systemd=/init.scope\x00" +
		"cpu=/init.scope\x00io=/init.scope\x00memory=/init.scope\x00pids=/init.scope\x00"
	if string(init.Cgroups) != wantCg {
		t.Errorf("cgroups %q\nwant    %q", init.Cgroups, wantCg)
	}
	if len(init.Tail) != 5 || binary.LittleEndian.Uint32(init.Tail) != 1000 || init.Tail[4] != 0 {
		t.Errorf("tail %x", init.Tail)
	}
	if k := byTid[2]; k.Exe != "kthreadd" || len(k.Args) != 0 {
		t.Errorf("kernel thread: exe %q args %q", k.Exe, k.Args)
	}
	w, w2 := byTid[42], byTid[43]
	if w.Flags != 0 || w2.Flags != scap.PPM_CL_CLONE_THREAD|scap.PPM_CL_CLONE_FILES || w2.Pid != 42 || w2.Vtid != 8 || w2.Exe != "/usr/bin/worker" {
		t.Errorf("worker threads: %+v / %+v", w, w2)
	}
	if len(w2.FDs) != 0 {
		t.Errorf("fds on a secondary thread")
	}
}

func TestThreadsUnifiedWithoutControllers(t *testing.T) {
	o := fakeOptions()
	o.CgroupRoot = "testdata/nonexistent"
	th, err := Threads(o)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasSuffix(th[0].Cgroups, []byte("\x00=/init.scope\x00")) {
		t.Errorf("cgroups %q", th[0].Cgroups)
	}
}

func TestFDs(t *testing.T) {
	th, err := Threads(fakeOptions())
	if err != nil {
		t.Fatal(err)
	}
	fds := map[int64]scap.FDInfo{}
	for _, f := range th[0].FDs {
		fds[f.FD] = f
	}
	ip := func(s string) [16]byte {
		var a [16]byte
		p := net.ParseIP(s)
		if v4 := p.To4(); v4 != nil {
			copy(a[:], v4)
		} else {
			copy(a[:], p)
		}
		return a
	}
	check := func(fd int64, want scap.FDInfo) {
		t.Helper()
		got, ok := fds[fd]
		if !ok {
			t.Errorf("fd %d missing", fd)
			return
		}
		want.FD = fd
		if want.Ino == 0 {
			want.Ino = got.Ino
		}
		if got != want {
			t.Errorf("fd %d:\n got %+v\nwant %+v", fd, got, want)
		}
	}
	dn := fds[0]
	if dn.Type != scap.FDFileV2 || dn.Name != "/dev/null" || dn.Flags != 3|2048|4096 || !dn.HasDev {
		t.Errorf("fd 0: %+v", dn)
	}
	check(3, scap.FDInfo{Ino: 1001, Type: scap.FDIPv4ServSock, L4Proto: 2, SIP: ip("0.0.0.0"), SPort: 22})
	check(4, scap.FDInfo{Ino: 1002, Type: scap.FDUnixSock, Source: 0xffff88800a1b2c00, Name: "/run/x.sock"})
	check(5, scap.FDInfo{Ino: 4242, Type: scap.FDFifo, Name: "pipe:[4242]"})
	check(6, scap.FDInfo{Type: scap.FDEvent, Name: "anon_inode:[eventfd]"})
	check(7, scap.FDInfo{Type: scap.FDInotify, Name: "anon_inode:inotify"})
	check(8, scap.FDInfo{Ino: 1003, Type: scap.FDIPv4Sock, L4Proto: 2, SIP: ip("127.0.0.1"), DIP: ip("127.0.0.2"), SPort: 8080, DPort: 50000})
	check(9, scap.FDInfo{Ino: 1004, Type: scap.FDIPv4ServSock, L4Proto: 3, SIP: ip("0.0.0.0"), SPort: 68})
	check(10, scap.FDInfo{Type: scap.FDUnsupported, Name: "anon_inode:bpf-map"})
	check(11, scap.FDInfo{Ino: 1005, Type: scap.FDNetlink})
	check(12, scap.FDInfo{Type: scap.FDDirectory, Name: "/"})
	check(13, scap.FDInfo{Ino: 1006, Type: scap.FDIPv4Sock, L4Proto: 2, SIP: ip("127.0.0.1"), DIP: ip("127.0.0.1"), SPort: 47192, DPort: 80})
	check(14, scap.FDInfo{Ino: 1007, Type: scap.FDIPv6ServSock, L4Proto: 2, SIP: ip("::1"), SPort: 80})
	check(15, scap.FDInfo{Ino: 9999, Type: scap.FDUnsupported, Name: "socket:[9999]"})
}

// TestScanWrites checks that the scan result survives the scap writer and
// reader (which is what a capture file holds).
func TestScanWrites(t *testing.T) {
	m, err := Scan(fakeOptions())
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	w, err := scap.NewWriter(&buf, scap.CompressNone)
	if err != nil {
		t.Fatal(err)
	}
	if err := w.WriteSection(m); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	if buf.Len() < 500 {
		t.Fatalf("only %d bytes written", buf.Len())
	}
}

func TestLiveScan(t *testing.T) {
	m, err := Scan(Options{})
	if err != nil {
		t.Fatal(err)
	}
	if m.Machine.NumCPUs == 0 || m.Machine.Hostname == "" || len(m.Threads) == 0 {
		t.Errorf("machine %+v, %d threads", m.Machine, len(m.Threads))
	}
	if len(m.Interfaces) == 0 {
		t.Error("no interfaces (expected at least lo)")
	}
}

func TestInterfaceEntry(t *testing.T) {
	_, n, _ := net.ParseCIDR("192.168.1.10/24")
	n.IP = net.ParseIP("192.168.1.10")
	e, ok := interfaceEntry("eth0", net.FlagBroadcast|net.FlagUp, n)
	if !ok || e.Type != scap.IfIPv4 || e.Addr[3] != 10 || e.Netmask[2] != 255 || e.Netmask[3] != 0 || e.Bcast[3] != 255 {
		t.Errorf("eth0: %+v", e)
	}
	_, lo, _ := net.ParseCIDR("127.0.0.1/8")
	lo.IP = net.ParseIP("127.0.0.1")
	e, _ = interfaceEntry("lo", net.FlagLoopback, lo)
	if e.Bcast[0] != 127 || e.Bcast[3] != 1 {
		t.Errorf("lo bcast %v", e.Bcast[:4])
	}
	_, v6, _ := net.ParseCIDR("fe80::1/64")
	e, ok = interfaceEntry("eth0", 0, v6)
	if !ok || e.Type != scap.IfIPv6 || e.Netmask[7] != 0xff || e.Netmask[8] != 0 {
		t.Errorf("v6: %+v", e)
	}
}

// The scan of this machine's /proc: the part of live start-up after the
// probes are attached.
func BenchmarkScanLive(b *testing.B) {
	if _, err := os.Stat("/proc/self/status"); err != nil {
		b.Skip("no /proc")
	}
	for i := 0; i < b.N; i++ {
		m, err := Scan(Options{})
		if err != nil {
			b.Fatal(err)
		}
		b.ReportMetric(float64(len(m.Threads)), "threads")
	}
}
