// Package fnmatch matches shell patterns the way glibc's fnmatch(3) does
// in the C locale without flags (or with FNM_CASEFOLD): the semantics
// of sysdig's glob and iglob operators and of container.mount[pattern].
package fnmatch

import "strings"

// Match reports whether s matches pat: '*' matches any run of bytes
// (slashes and leading dots included), '?' any byte, "[...]" a set of
// bytes (negated by '!' or '^', with ranges and [:class:] names), and
// '\' makes the next byte literal; a pattern ending in a lone backslash
// matches nothing. fold ignores ASCII case, as FNM_CASEFOLD does. s may
// be a string or bytes (no conversion for a field's value).
func Match[S ~string | ~[]byte](pat string, s S, fold bool) bool {
	// Backtracking to the last star is enough: a later star can only
	// extend what an earlier one matched.
	starP, starS := -1, 0
	p, i := 0, 0
	for {
		if p < len(pat) {
			switch pat[p] {
			case '*':
				for p < len(pat) && pat[p] == '*' {
					p++
				}
				starP, starS = p, i
				continue
			case '?':
				if i < len(s) {
					p++
					i++
					continue
				}
			case '[':
				if i < len(s) {
					ok, end := matchBracket(pat, p, s[i], fold)
					if ok {
						p = end
						i++
						continue
					}
					if end == 0 && s[i] == '[' {
						p++
						i++
						continue
					}
				}
			case '\\':
				if p+1 == len(pat) {
					return false
				}
				if i < len(s) && lower(s[i], fold) == lower(pat[p+1], fold) {
					p += 2
					i++
					continue
				}
			default:
				if i < len(s) && lower(s[i], fold) == lower(pat[p], fold) {
					p++
					i++
					continue
				}
			}
		} else if i == len(s) {
			return true
		}
		if starP < 0 || starS >= len(s) {
			return false
		}
		starS++
		p, i = starP, starS
	}
}

func lower(c byte, fold bool) byte {
	if fold && c >= 'A' && c <= 'Z' {
		return c + 'a' - 'A'
	}
	return c
}

// matchBracket matches c against the bracket expression starting at
// pat[p] ('['), item by item as glibc does. end is the index after its
// closing ']'; 0 when the expression is unclosed (the '[' is then an
// ordinary byte); -1 when this attempt fails (an unknown class or a
// malformed collating symbol reached before c matched).
func matchBracket(pat string, p int, c byte, fold bool) (ok bool, end int) {
	at := func(k int) byte {
		if k < len(pat) {
			return pat[k]
		}
		return 0
	}
	i := p + 1
	neg := false
	if at(i) == '!' || at(i) == '^' {
		neg = true
		i++
	}
	fc := lower(c, fold)
	for ch := at(i); ; ch = at(i) {
		i++ // past ch
		switch {
		case ch == 0:
			return false, 0
		case ch == '[' && at(i) == ':':
			name, n := className(pat, i)
			if n == 0 {
				break // an ordinary '['
			}
			in, known := inClass(name, c)
			if !known {
				return false, -1
			}
			i += n
			if in {
				return skipBracket(pat, i, neg)
			}
			if at(i) == ']' {
				return neg, i + 1
			}
			continue
		case ch == '[' && at(i) == '=':
			if at(i+1) != 0 && at(i+2) == '=' && at(i+3) == ']' {
				i += 4
				if c == pat[i-3] {
					return skipBracket(pat, i, neg)
				}
				if at(i) == ']' {
					return neg, i + 1
				}
				continue
			}
		}
		// A set member, perhaps the start of a range.
		var lo byte
		var rangeEnd bool // whether a range follows
		switch {
		case ch == '\\':
			if at(i) == 0 {
				return false, -1
			}
			lo = lower(pat[i], fold)
			i++
			rangeEnd = at(i) == '-' && at(i+1) != 0 && at(i+1) != ']'
			if !rangeEnd && lo == fc {
				return skipBracket(pat, i, neg)
			}
		case ch == '[' && at(i) == '.':
			sym, n := collating(pat, i)
			if n == 0 {
				return false, -1
			}
			i += n
			lo = sym
			rangeEnd = at(i) == '-' && at(i+1) != 0
			if !rangeEnd && c == sym {
				return skipBracket(pat, i, neg)
			}
		default:
			lo = lower(ch, fold)
			rangeEnd = at(i) == '-' && at(i+1) != 0 && at(i+1) != ']'
			if !rangeEnd && lo == fc {
				return skipBracket(pat, i, neg)
			}
		}
		if at(i) == '-' && at(i+1) != ']' {
			i++
			hi := at(i)
			i++
			switch {
			case hi == '[' && at(i) == '.':
				sym, n := collating(pat, i)
				if n == 0 {
					return false, -1
				}
				hi = sym
				i += n
			default:
				if hi == '\\' {
					hi = at(i)
					i++
				}
				if hi == 0 {
					return false, -1
				}
				hi = lower(hi, fold)
			}
			if lo <= fc && fc <= hi {
				return skipBracket(pat, i, neg)
			}
		}
		if at(i) == ']' {
			return neg, i + 1
		}
	}
}

// skipBracket skips the rest of a bracket expression whose member before
// pat[i:] matched. end is 0 when the expression is unclosed (its '[' then
// is an ordinary byte), -1 when the attempt fails on a malformed item.
func skipBracket(pat string, i int, neg bool) (bool, int) {
	for i < len(pat) {
		ch := pat[i]
		i++
		switch {
		case ch == ']':
			return !neg, i
		case ch == '\\':
			if i == len(pat) {
				return false, -1
			}
			i++
		case ch == '[' && i < len(pat) && pat[i] == ':':
			if _, n := className(pat, i); n > 0 {
				i += n
			}
		case ch == '[' && i < len(pat) && pat[i] == '=':
			if i+3 >= len(pat) || pat[i+2] != '=' || pat[i+3] != ']' {
				return false, -1
			}
			i += 4
		case ch == '[' && i < len(pat) && pat[i] == '.':
			j := strings.Index(pat[i+1:], ".]")
			if j < 0 {
				return false, -1
			}
			i += j + 3
		}
	}
	return false, 0
}

// className returns the name of the class at pat[i-1:] ("[:name:]", i at
// the ':') and the length from i past its ":]"; n == 0 when the bytes
// there cannot be a class name (glibc's names are made of 'a'..'y'), the
// '[' then being an ordinary member.
func className(pat string, i int) (name string, n int) {
	for k := i + 1; k < len(pat); k++ {
		if c := pat[k]; c == ':' && k+1 < len(pat) && pat[k+1] == ']' {
			return pat[i+1 : k], k + 2 - i
		} else if c < 'a' || c >= 'z' {
			return "", 0
		}
	}
	return "", 0
}

// collating returns the byte of the collating symbol at pat[i-1:]
// ("[.c.]", i at the first '.') and the length from i past its ".]"; n ==
// 0 for a malformed symbol (unclosed, or of more than one byte: the C
// locale names none).
func collating(pat string, i int) (sym byte, n int) {
	if j := strings.Index(pat[i+1:], ".]"); j == 1 {
		return pat[i+1], 4
	}
	return 0, 0
}

// inClass reports whether c is in the POSIX character class name (C
// locale); known is false for a name that is no such class.
func inClass(name string, c byte) (in, known bool) {
	upper := c >= 'A' && c <= 'Z'
	lower := c >= 'a' && c <= 'z'
	digit := c >= '0' && c <= '9'
	switch name {
	case "alpha":
		return upper || lower, true
	case "digit":
		return digit, true
	case "alnum":
		return upper || lower || digit, true
	case "upper":
		return upper, true
	case "lower":
		return lower, true
	case "space":
		return c == ' ' || c >= '\t' && c <= '\r', true
	case "blank":
		return c == ' ' || c == '\t', true
	case "punct":
		return c > ' ' && c < 0x7f && !upper && !lower && !digit, true
	case "print":
		return c >= ' ' && c < 0x7f, true
	case "graph":
		return c > ' ' && c < 0x7f, true
	case "cntrl":
		return c < ' ' || c == 0x7f, true
	case "xdigit":
		return digit || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F', true
	}
	return false, false
}
