package filter

// Glob reports whether s matches the shell pattern pat the way fnmatch(3)
// does without flags: '*' matches any run of bytes ('/' included), '?'
// one byte, [...] a set (with '!' or '^' negation and ranges), and a
// backslash quotes the next byte. fold makes the match ignore ASCII case.
func Glob(pat, s string, fold bool) bool {
	var px, sx int
	nextP, nextS := -1, -1
	for px < len(pat) || sx < len(s) {
		if px < len(pat) {
			switch c := pat[px]; c {
			case '*':
				nextP, nextS = px, sx+1
				px++
				continue
			case '?':
				if sx < len(s) {
					px++
					sx++
					continue
				}
			case '[':
				if sx < len(s) {
					if ok, n, valid := matchClass(pat[px:], s[sx], fold); valid {
						if ok {
							px += n
							sx++
							continue
						}
					} else if lower(s[sx], fold) == '[' {
						px++
						sx++
						continue
					}
				}
			case '\\':
				if px+1 < len(pat) {
					if sx < len(s) && lower(pat[px+1], fold) == lower(s[sx], fold) {
						px += 2
						sx++
						continue
					}
					break
				}
				fallthrough
			default:
				if sx < len(s) && lower(c, fold) == lower(s[sx], fold) {
					px++
					sx++
					continue
				}
			}
		}
		if nextS > 0 && nextS <= len(s) {
			px, sx = nextP, nextS
			continue
		}
		return false
	}
	return true
}

func lower(c byte, fold bool) byte {
	if fold && c >= 'A' && c <= 'Z' {
		return c + 'a' - 'A'
	}
	return c
}

// matchClass matches c against the bracket expression at the start of
// pat. valid is false when the bracket is not closed (then '[' is an
// ordinary character); n is the length of the expression.
func matchClass(pat string, c byte, fold bool) (ok bool, n int, valid bool) {
	i := 1
	neg := false
	if i < len(pat) && (pat[i] == '!' || pat[i] == '^') {
		neg = true
		i++
	}
	c = lower(c, fold)
	first := true
	for i < len(pat) {
		if pat[i] == ']' && !first {
			return ok != neg, i + 1, true
		}
		first = false
		lo := pat[i]
		if lo == '\\' && i+1 < len(pat) {
			i++
			lo = pat[i]
		}
		i++
		hi := lo
		if i+1 < len(pat) && pat[i] == '-' && pat[i+1] != ']' {
			hi = pat[i+1]
			if hi == '\\' && i+2 < len(pat) {
				hi = pat[i+2]
				i++
			}
			i += 2
		}
		if lower(lo, fold) <= c && c <= lower(hi, fold) {
			ok = true
		}
	}
	return false, 0, false
}
