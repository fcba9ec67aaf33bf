//go:build !(linux || darwin || freebsd || netbsd || openbsd)

package term

import "os"

// IsTTY reports whether f is a character device (a console).
func IsTTY(f *os.File) bool {
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}

// Size returns the terminal's columns and rows (unknown here).
func Size(f *os.File) (cols, rows int, ok bool) { return 0, 0, false }

// BrokenPipe reports whether f's reader has gone (unknown here).
func BrokenPipe(f *os.File) bool { return false }
