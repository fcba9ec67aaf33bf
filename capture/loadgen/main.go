//go:build linux

// Command loadgen is the syscall loop of the capture benchmark: it makes
// n getppid calls (or 1-byte reads of /dev/zero) back to back and prints
// the time per call, measured by itself.
//
//	loadgen -n 5000000 -mode getppid
//	loadgen -n 5000000 -mode read
//
// Output: "calls=N ns_per_call=X".
package main

import (
	"flag"
	"fmt"
	"os"
	"runtime"
	"syscall"
	"time"
	"unsafe"
)

func main() {
	n := flag.Int("n", 5_000_000, "number of syscalls")
	mode := flag.String("mode", "getppid", "getppid or read (1 byte of /dev/zero)")
	flag.Parse()
	runtime.LockOSThread()
	var fd uintptr
	if *mode == "read" {
		f, err := os.Open("/dev/zero")
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		fd = f.Fd()
	} else if *mode != "getppid" {
		fmt.Fprintln(os.Stderr, "unknown mode", *mode)
		os.Exit(2)
	}
	var buf [1]byte
	p := uintptr(unsafe.Pointer(&buf[0]))
	start := time.Now()
	if *mode == "read" {
		for i := 0; i < *n; i++ {
			syscall.RawSyscall(syscall.SYS_READ, fd, p, 1)
		}
	} else {
		for i := 0; i < *n; i++ {
			syscall.RawSyscall(syscall.SYS_GETPPID, 0, 0, 0)
		}
	}
	el := time.Since(start)
	fmt.Printf("calls=%d ns_per_call=%.1f\n", *n, float64(el.Nanoseconds())/float64(*n))
}
