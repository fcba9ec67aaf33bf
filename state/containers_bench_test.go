package state

import (
	"strings"
	"testing"
)

// Every clone and exec resolves its thread's container from its cgroups:
// a kubepods container on a cgroup v1 host has a dozen paths.
func BenchmarkResolveContainer(b *testing.B) {
	id := strings.Repeat("ab", 32)
	path := "/kubepods/besteffort/pod1234-5678/" + id
	var cgs []Cgroup
	for _, ctl := range []string{"cpuset", "cpu,cpuacct", "blkio", "memory", "devices", "freezer", "net_cls", "perf_event", "hugetlb", "pids", "rdma", "misc"} {
		cgs = append(cgs, Cgroup{Subsys: ctl, Path: path})
	}
	c := newContainers()
	t := &Thread{Cgroups: cgs}
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		c.resolve(t)
	}
	if t.ContainerID != id[:12] {
		b.Fatalf("container id %q", t.ContainerID)
	}
}
