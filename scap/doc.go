// Package scap reads and writes scap capture files, the pcapng-style format
// that sysdig and Falco record system calls in.
//
// A Reader detects plain, gzip and zstd input, decodes the metadata blocks
// (machine info, interfaces, users, process and fd lists) into a Metadata
// value and then yields events. Events are views over a reused buffer, valid
// until the next call to NextInto, and their parameters are decoded only on
// request. A Writer emits files that sysdig 0.29.3, current libs and
// Wireshark all read.
//
// The event schema (names, directions, categories and parameter types of
// every event id, and the driver's flag tables) lives in tables_gen.go,
// generated from the format specification by internal/gen/tables.
package scap
