package state

// ConcatPaths resolves path against dir the way sysdig does: a relative
// path is appended to dir, then "." and ".." components, doubled slashes
// and a trailing slash are cleaned up, and characters that are not
// printable ASCII become '.'. It reports whether path was relative (and
// so resolved); an absolute path is only cleaned up.
func ConcatPaths(dir, path string) (string, bool) {
	if cleanAbs(path) {
		return path, false // (nothing to clean up: no copy)
	}
	var buf [512]byte
	out := buf[:0]
	if len(path) != 0 && path[0] != '/' {
		out = append(out, dir...)
		return string(sanitizePath(out, len(out), path)), true
	}
	return string(sanitizePath(out, 0, path)), false
}

// AppendConcatPaths appends to b what ConcatPaths makes of path against
// the directory made of the pieces dir, without allocating.
func AppendConcatPaths(b []byte, path []byte, dir ...string) []byte {
	base := len(b)
	// out is the region after b's bytes: ".." cannot climb out of it.
	out := b[base:]
	if len(path) != 0 && path[0] != '/' {
		for _, d := range dir {
			out = append(out, d...)
		}
		out = sanitizePath(out, len(out), path)
	} else {
		out = sanitizePath(out, 0, path)
	}
	return append(b[:base], out...)
}

func invalidChar(c byte) bool { return c < 0x20 || c > 0x7e }

// cleanAbs reports whether path is absolute and sanitizePath would leave
// it as it is: printable ASCII, no doubled slash, no component starting
// with '.' (a few clean ones, like ".config", are left to sanitizePath),
// no trailing slash but the root's.
func cleanAbs[S ~string | ~[]byte](path S) bool {
	if len(path) == 0 || path[0] != '/' {
		return false
	}
	for i := 1; i < len(path); i++ {
		c := path[i]
		if invalidChar(c) || (c == '/' || c == '.') && path[i-1] == '/' {
			return false
		}
	}
	return len(path) == 1 || path[len(path)-1] != '/'
}

// sanitizePath appends path to out (which may hold a directory prefix that
// ".." can climb back into); start is where path's own bytes begin.
func sanitizePath[S ~string | ~[]byte](out []byte, start int, path S) []byte {
	i := 0
	for {
		// A run of bytes that need no decision is copied at once.
		j := i
		for j < len(path) && !invalidChar(path[j]) && path[j] != '/' && path[j] != '.' {
			j++
		}
		if j > i {
			out = append(out, path[i:j]...)
			i = j
		}
		if i >= len(path) || path[i] == 0 {
			if len(out) > 1 && out[len(out)-1] == '/' {
				out = out[:len(out)-1]
			}
			return out
		}
		c := path[i]
		if invalidChar(c) {
			out = append(out, '.')
			i++
			continue
		}
		at := func(k int) byte {
			if i+k < len(path) {
				return path[i+k]
			}
			return 0
		}
		if c == '.' && (len(out) == start || len(out) == 0 || out[len(out)-1] == '/') {
			switch {
			case at(1) == '.' && at(2) == '/':
				out = rewind(out)
				i += 3
			case at(1) == '.' && at(2) == 0:
				out = rewind(out)
				i += 2
			case at(1) == '/':
				i += 2
			case at(1) == 0:
				i++
			default:
				out = append(out, c)
				i++
			}
			continue
		}
		if c == '/' {
			if len(out) > 0 && out[len(out)-1] == '/' {
				i++
				continue
			}
		}
		out = append(out, c)
		i++
	}
}

// rewind drops the last path component of out (which ends with '/'),
// never going above the root.
func rewind(out []byte) []byte {
	if len(out) <= 1 {
		return out
	}
	n := len(out) - 1
	for n >= 1 && out[n-1] != '/' {
		n--
	}
	return out[:n]
}
