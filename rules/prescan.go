package rules

import "fmt"

// Limits on a rules file, checked on the raw bytes before the YAML
// parser sees them: the parser's time and memory grow faster than
// linearly with nesting depth and with the number of keys of one block
// mapping, so a small hostile file could otherwise exhaust memory. The
// limits are far above what rules files use (falco_rules.yaml is 64 KB,
// nests 4 levels and has at most 10 keys in a mapping).
const (
	// MaxFileSize is the largest rules file trace reads.
	MaxFileSize = 16 << 20
	// MaxNesting bounds the nesting of flow collections ([ and {) and,
	// separately, of block collections (indentation levels).
	MaxNesting = 64
	// MaxMappingKeys bounds the keys of one block mapping.
	MaxMappingKeys = 4096
	// MaxEntries bounds the entries (mapping keys, sequence entries and
	// flow collection items) of a file: the parser needs over a
	// kilobyte of memory for each.
	MaxEntries = 1 << 18
)

// limitError is a pre-scan finding, at a 1-based line and column.
type limitError struct {
	line, col int
	msg       string
}

// prescan checks data against the limits in one linear pass. It follows
// YAML only as far as needed to tell structure from text: comments,
// quoted scalars, block scalars and multi-line plain scalars are
// skipped; it does not validate anything else (the parser does).
func prescan(data []byte) *limitError {
	if len(data) > MaxFileSize {
		return &limitError{line: 1, col: 1, msg: fmt.Sprintf("file is %d bytes, more than the %d (%d MiB) trace reads", len(data), MaxFileSize, MaxFileSize>>20)}
	}
	s := &scanner{data: data, line: 1}
	return s.run()
}

type blockLevel struct {
	col  int
	seq  bool
	keys int
}

type scanner struct {
	data      []byte
	i         int // offset
	line      int
	lineStart int
	flow      int  // depth of open flow collections
	quote     byte // open quoted scalar (' or "), 0 when none
	atNode    bool // in a flow collection, where a node may start
	skipAbove int  // skip lines indented more than this (scalar text); -1: none
	stack     []blockLevel
	entries   int
}

// entry counts one entry and fails past MaxEntries.
func (s *scanner) entry() *limitError {
	s.entries++
	if s.entries > MaxEntries {
		return s.errorf("more than %d entries (mapping keys, sequence entries and flow items) in the file", MaxEntries)
	}
	return nil
}

func (s *scanner) errorf(format string, a ...any) *limitError {
	return &limitError{line: s.line, col: s.i - s.lineStart + 1, msg: fmt.Sprintf(format, a...)}
}

func (s *scanner) run() *limitError {
	s.skipAbove = -1
	for s.i < len(s.data) {
		if err := s.scanLine(); err != nil {
			return err
		}
	}
	return nil
}

// scanLine scans from s.i to the start of the next line.
func (s *scanner) scanLine() *limitError {
	d := s.data
	if s.quote != 0 || s.flow > 0 {
		// Inside a multi-line quoted scalar or flow collection.
		if err := s.inline(); err != nil {
			return err
		}
		return s.endLine()
	}
	indent := 0
	for s.i < len(d) && d[s.i] == ' ' {
		s.i++
		indent++
	}
	if s.i >= len(d) || d[s.i] == '\n' || d[s.i] == '\r' || d[s.i] == '#' {
		// Blank or comment line.
		return s.endLine()
	}
	if s.skipAbove >= 0 {
		if indent > s.skipAbove {
			return s.endLine()
		}
		s.skipAbove = -1
	}
	if indent == 0 && s.startsDoc() {
		s.stack = s.stack[:0]
		return s.endLine()
	}
	col := indent
	// Sequence entries ("- "), possibly several on one line, and
	// complex keys ("? ").
	for s.i < len(d) && (d[s.i] == '-' || d[s.i] == '?') && s.blankAt(s.i+1) {
		if err := s.level(col, true); err != nil {
			return err
		}
		s.i++
		col++
		for s.i < len(d) && d[s.i] == ' ' {
			s.i++
			col++
		}
		if s.i >= len(d) || d[s.i] == '\n' || d[s.i] == '\r' || d[s.i] == '#' {
			return s.endLine()
		}
	}
	return s.node(col, true)
}

// node scans a node starting at s.i (column col) in block context; key
// tells whether it may be a mapping key.
func (s *scanner) node(col int, key bool) *limitError {
	d := s.data
	for {
		s.skipSpaces()
		if s.i >= len(d) || d[s.i] == '\n' || d[s.i] == '\r' || d[s.i] == '#' {
			return s.endLine()
		}
		switch d[s.i] {
		case '&', '!':
			// Anchor or tag: skip it, the node follows.
			for s.i < len(d) && !s.blankAt(s.i) {
				s.i++
			}
			continue
		case '[', '{':
			if err := s.inline(); err != nil {
				return err
			}
			return s.endLine()
		case '|', '>':
			s.skipAbove = s.blockParent()
			return s.endLine()
		case '"', '\'':
			s.quote = d[s.i]
			s.i++
			if err := s.inline(); err != nil {
				return err
			}
			if s.quote != 0 {
				return s.endLine()
			}
			// A quoted key?
			s.skipSpaces()
			if key && s.i < len(d) && d[s.i] == ':' && s.blankAt(s.i+1) {
				if err := s.level(col, false); err != nil {
					return err
				}
				s.i++
				key = false
				continue
			}
			return s.endLine()
		}
		// A plain scalar, or a plain key followed by ": ".
		if key {
			if k := s.plainKeyEnd(); k >= 0 {
				if err := s.level(col, false); err != nil {
					return err
				}
				s.i = k + 1
				key = false
				s.skipSpaces()
				if s.i >= len(d) || d[s.i] == '\n' || d[s.i] == '\r' || d[s.i] == '#' {
					// The value is on the next lines.
					return s.endLine()
				}
				continue
			}
		}
		// Plain text: it may continue on more indented lines.
		s.skipAbove = s.blockParent()
		return s.endLine()
	}
}

// blockParent returns the indentation continuation lines of a scalar
// must exceed: the column of the innermost block collection (0 for a
// scalar at the top, so that unindented lines are still scanned).
func (s *scanner) blockParent() int {
	if n := len(s.stack); n > 0 {
		return s.stack[n-1].col
	}
	return 0
}

// plainKeyEnd returns the offset of the ':' ending a plain key on this
// line, or -1.
func (s *scanner) plainKeyEnd() int {
	d := s.data
	for j := s.i; j < len(d) && d[j] != '\n' && d[j] != '\r'; j++ {
		switch d[j] {
		case ':':
			if s.blankAt(j + 1) {
				return j
			}
		case '#':
			if j > s.i && (d[j-1] == ' ' || d[j-1] == '\t') {
				return -1
			}
		}
	}
	return -1
}

// level records a block collection entry (a key, or a sequence entry
// when seq) at column col.
func (s *scanner) level(col int, seq bool) *limitError {
	if err := s.entry(); err != nil {
		return err
	}
	for len(s.stack) > 0 {
		top := &s.stack[len(s.stack)-1]
		if top.col > col || (top.col == col && top.seq && !seq) {
			// A deeper collection ended, or an indentless sequence
			// (a mapping's value at the key's own column) did.
			s.stack = s.stack[:len(s.stack)-1]
			continue
		}
		if top.col == col && top.seq == seq {
			if !seq {
				top.keys++
				if top.keys > MaxMappingKeys {
					return s.errorf("a mapping with more than %d keys", MaxMappingKeys)
				}
			}
			return nil
		}
		break
	}
	if len(s.stack) >= MaxNesting {
		return s.errorf("block collections nested deeper than %d levels", MaxNesting)
	}
	s.stack = append(s.stack, blockLevel{col: col, seq: seq, keys: 1})
	return nil
}

// inline scans flow collections and quoted scalars to the end of the
// line, or until the outermost flow collection or the quoted scalar
// (outside any flow collection) closes.
func (s *scanner) inline() *limitError {
	d := s.data
	for s.i < len(d) && d[s.i] != '\n' && d[s.i] != '\r' {
		c := d[s.i]
		if s.quote != 0 {
			switch {
			case c == '\\' && s.quote == '"':
				s.i++
				if s.i < len(d) && d[s.i] != '\n' && d[s.i] != '\r' {
					s.i++
				}
				continue
			case c == '\'' && s.quote == '\'' && s.i+1 < len(d) && d[s.i+1] == '\'':
				s.i += 2
				continue
			case c == s.quote:
				s.quote = 0
				s.i++
				if s.flow == 0 {
					return nil
				}
				continue
			}
			s.i++
			continue
		}
		switch c {
		case '[', '{':
			if err := s.entry(); err != nil {
				return err
			}
			s.flow++
			if s.flow > MaxNesting {
				return s.errorf("flow collections ([ and {) nested deeper than %d levels", MaxNesting)
			}
			s.atNode = true
		case ']', '}':
			s.atNode = false
			if s.flow > 0 {
				s.flow--
				if s.flow == 0 {
					s.i++
					return nil
				}
			}
		case ',':
			if err := s.entry(); err != nil {
				return err
			}
			s.atNode = true
		case ':':
			s.atNode = s.blankAt(s.i + 1)
		case ' ', '\t':
		case '"', '\'':
			// A quote opens a scalar only where a node starts: in
			// [it's] it is text.
			if s.atNode {
				s.quote = c
			}
			s.atNode = false
		case '#':
			if s.i == 0 || d[s.i-1] == ' ' || d[s.i-1] == '\t' || d[s.i-1] == '\n' {
				s.toEOL()
				return nil
			}
		default:
			s.atNode = false
		}
		s.i++
	}
	return nil
}

func (s *scanner) startsDoc() bool {
	d := s.data[s.i:]
	return len(d) >= 3 && (string(d[:3]) == "---" || string(d[:3]) == "...") && (len(d) == 3 || d[3] == ' ' || d[3] == '\n' || d[3] == '\r' || d[3] == '\t')
}

func (s *scanner) blankAt(j int) bool {
	return j >= len(s.data) || s.data[j] == ' ' || s.data[j] == '\t' || s.data[j] == '\n' || s.data[j] == '\r'
}

func (s *scanner) skipSpaces() {
	for s.i < len(s.data) && (s.data[s.i] == ' ' || s.data[s.i] == '\t') {
		s.i++
	}
}

func (s *scanner) toEOL() {
	for s.i < len(s.data) && s.data[s.i] != '\n' {
		s.i++
	}
}

// endLine moves past the rest of the line and its newline.
func (s *scanner) endLine() *limitError {
	s.toEOL()
	if s.i < len(s.data) {
		s.i++
	}
	s.line++
	s.lineStart = s.i
	return nil
}
