package fields

// BufFormatOf returns the buffer format sysdig's flags select: flag is
// 'A' (-A), 'b' (-b), 'x' (-x), 'X' (-X) or 0 for none; json is -j.
func BufFormatOf(flag byte, json bool) BufFormat {
	if json {
		switch flag {
		case 'A':
			return PFJSONEOLs
		case 'b':
			return PFJSONBase64
		case 'x':
			return PFJSONHex
		case 'X':
			return PFJSONHexASCII
		}
		return PFJSON
	}
	switch flag {
	case 'A':
		return PFEOLs
	case 'b':
		return PFBase64
	case 'x':
		return PFHex
	case 'X':
		return PFHexASCII
	}
	return PFNormal
}
