package bpf

// Regenerating the objects needs Debian 12's clang 14, llvm (llvm-strip)
// and libbpf-dev (headers); the output is byte-identical with those.
// vmlinux.h comes from this machine kind's kernel BTF:
//
//	{ echo '//go:build ignore'; echo; bpftool btf dump file /sys/kernel/btf/vmlinux format c; } > vmlinux.h

//go:generate go run github.com/cilium/ebpf/cmd/bpf2go -cc clang -cflags "-O2 -g -Wall -Werror" -target amd64 -type rec_hdr -type blob_hdr -type blob_spec -type sc_spec -type sock_info -type file_info -type pipe_info -type sockpair_info -type vm_info -type task_info -type counters capture capture.bpf.c -- -I.
