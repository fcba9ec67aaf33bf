// Package bpf holds the eBPF side of the live capture: the C sources
// (capture.bpf.c, events.h, a vmlinux.h generated from this kernel's BTF)
// and the objects bpf2go compiled from them, embedded so that a plain
// `go build` needs no C toolchain.
//
// The programs attach to the BTF-typed raw tracepoints sys_enter and
// sys_exit (one record per syscall the user asked for, with the raw
// arguments plus the user or kernel memory a per-syscall spec asks for),
// sched_process_exit and sched_switch. Records go to one BPF ring buffer
// per CPU, submitted without wakeups; package capture polls the rings,
// merges them by timestamp and encodes scap events. The record layouts
// live in events.h and are mirrored by the constants of this package.
//
// To regenerate the objects (needs clang 14, llvm and libbpf-dev):
//
//	go generate ./bpf
package bpf
