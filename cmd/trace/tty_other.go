//go:build !(linux || darwin || freebsd || netbsd || openbsd)

package main

import "os"

// isTTY reports whether f is a character device (a console).
func isTTY(f *os.File) bool {
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}

func termSize(f *os.File) (cols, rows int, ok bool) { return 0, 0, false }

func brokenPipe(f *os.File) bool { return false }
