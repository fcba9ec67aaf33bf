//go:build linux && amd64

package bpf

import (
	"errors"
	"os"
	"testing"

	"github.com/cilium/ebpf"
	"github.com/cilium/ebpf/rlimit"
)

// TestLoad loads the programs into the kernel, which runs the verifier
// over them. It needs root and kernel BTF.
func TestLoad(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("loading BPF programs needs root")
	}
	if _, err := os.Stat("/sys/kernel/btf/vmlinux"); err != nil {
		t.Skip("kernel has no BTF")
	}
	_ = rlimit.RemoveMemlock()
	spec, err := LoadSpec()
	if err != nil {
		t.Fatal(err)
	}
	ncpu, err := ebpf.PossibleCPU()
	if err != nil {
		t.Fatal(err)
	}
	spec.Maps["rings"].MaxEntries = uint32(ncpu)
	spec.Maps["scratch_map"].MaxEntries = uint32(ncpu)
	var objs Objects
	err = spec.LoadAndAssign(&objs, &ebpf.CollectionOptions{Programs: ebpf.ProgramOptions{LogSizeStart: 1 << 20}})
	if err != nil {
		var ve *ebpf.VerifierError
		if errors.As(err, &ve) {
			t.Fatalf("%+v", ve)
		}
		t.Fatal(err)
	}
	defer objs.Close()
	for name, p := range map[string]*ebpf.Program{
		"sys_enter": objs.TraceSysEnter, "sys_exit": objs.TraceSysExit,
		"sched_process_exit": objs.TraceSchedProcessExit, "sched_switch": objs.TraceSchedSwitch,
	} {
		info, err := p.Info()
		if err != nil {
			t.Fatal(err)
		}
		n, _ := info.VerifiedInstructions()
		t.Logf("%s: %d instructions verified", name, n)
	}
}
