// Package capture is the live source of trace: it loads the eBPF programs
// of package bpf, attaches them to the syscall and scheduler tracepoints,
// polls one ring buffer per CPU without blocking, merges the rings by
// timestamp and encodes every record as a scap event in the v2 layout,
// with the parameters sysdig 0.29.3's event table expects.
//
// The probes cannot fault pages in: a path in a page the process has not
// touched yet is unreadable at a syscall's entry, though the kernel has
// copied it by the exit. Such an enter event (openat, open, creat,
// openat2) is held, with every event after it, until its exit arrives and
// lends it the path; the events then go out in their original order.
// Stats.Strings counts these.
//
// A capture starts with Open, which attaches the programs and then scans
// /proc (package procscan) for the initial state returned by Metadata.
// NextInto fills a caller's scap.Event with the next event; after Stop it
// drains what the rings still hold and then returns ErrStopped.
//
// Live capture needs Linux on amd64, root (CAP_BPF and CAP_PERFMON) and a
// kernel with BTF. Elsewhere Open returns ErrUnsupported. The record
// decoding and scap encoding are plain Go and are tested on any platform.
package capture

//go:generate go run gen_sysnames.go -in ../internal/gen/spec/syscall_table.tsv -out sysnames_gen.go
