package rules

import (
	"errors"
	"fmt"
	"strings"

	"github.com/goccy/go-yaml"
	"github.com/goccy/go-yaml/ast"
	"github.com/goccy/go-yaml/parser"
	"github.com/goccy/go-yaml/token"
)

// Pos is a position in a rules file. Line and Col are 1-based; Offset is
// a byte offset. A zero Line means the position is unknown.
type Pos struct {
	File   string
	Line   int
	Col    int
	Offset int
}

func (p Pos) String() string {
	if p.Line == 0 {
		return p.File
	}
	return fmt.Sprintf("%s:%d:%d", p.File, p.Line, p.Col)
}

type nodeKind uint8

const (
	kindNull nodeKind = iota
	kindScalar
	kindSeq
	kindMap
)

func (k nodeKind) String() string {
	switch k {
	case kindScalar:
		return "scalar"
	case kindSeq:
		return "sequence"
	case kindMap:
		return "mapping"
	}
	return "null"
}

// node is a YAML value reduced to what rules files use: scalars keep
// their text (numbers and booleans as written), mappings keep key order.
type node struct {
	kind  nodeKind
	text  string
	items []*node // sequence items
	keys  []string
	vals  []*node // mapping values, parallel to keys
	kpos  []Pos   // positions of the keys
	pos   Pos
	// plain is set for unquoted scalars (so "true" and true differ).
	plain bool
}

// get returns the value of key k in a mapping, or nil.
func (n *node) get(k string) *node {
	for i, key := range n.keys {
		if key == k {
			return n.vals[i]
		}
	}
	return nil
}

func (n *node) has(k string) bool {
	for _, key := range n.keys {
		if key == k {
			return true
		}
	}
	return false
}

// keyPos returns the position of key k, or the mapping's.
func (n *node) keyPos(k string) Pos {
	for i, key := range n.keys {
		if key == k {
			return n.kpos[i]
		}
	}
	return n.pos
}

// yamlError is a YAML syntax error with its position.
type yamlError struct {
	pos Pos
	msg string
}

func (e *yamlError) Error() string { return e.msg }

func tokPos(file string, t *token.Token) Pos {
	if t == nil || t.Position == nil {
		return Pos{File: file}
	}
	return Pos{File: file, Line: t.Position.Line, Col: t.Position.Column, Offset: t.Position.Offset}
}

// parseYAML reads the documents of a rules file; each non-empty one is
// returned as a node.
func parseYAML(file string, data []byte) ([]*node, error) {
	if le := prescan(data); le != nil {
		return nil, &yamlError{pos: Pos{File: file, Line: le.line, Col: le.col}, msg: le.msg + "; trace refuses such rules files"}
	}
	f, err := parser.ParseBytes(data, 0)
	if err != nil {
		var se *yaml.SyntaxError
		if errors.As(err, &se) {
			return nil, &yamlError{pos: tokPos(file, se.Token), msg: se.Message}
		}
		return nil, &yamlError{pos: Pos{File: file}, msg: firstLine(err.Error())}
	}
	c := &converter{file: file, anchors: map[string]*node{}}
	var docs []*node
	for _, d := range f.Docs {
		if d == nil || d.Body == nil {
			continue
		}
		n, err := c.convert(d.Body, 0)
		if err != nil {
			return nil, err
		}
		if n.kind == kindNull {
			continue
		}
		docs = append(docs, n)
	}
	return docs, nil
}

func firstLine(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		s = s[:i]
	}
	return s
}

type converter struct {
	file    string
	anchors map[string]*node
}

func (c *converter) pos(n ast.Node) Pos { return tokPos(c.file, n.GetToken()) }

func (c *converter) convert(n ast.Node, depth int) (*node, error) {
	if depth > 200 {
		return nil, &yamlError{pos: c.pos(n), msg: "YAML nesting too deep"}
	}
	switch x := n.(type) {
	case nil:
		return &node{kind: kindNull}, nil
	case *ast.NullNode:
		return &node{kind: kindNull, pos: c.pos(x), text: ""}, nil
	case *ast.StringNode:
		return &node{kind: kindScalar, text: x.Value, pos: c.pos(x), plain: x.Token.Type == token.StringType}, nil
	case *ast.LiteralNode:
		s := ""
		if x.Value != nil {
			s = x.Value.Value
		}
		return &node{kind: kindScalar, text: s, pos: c.pos(x)}, nil
	case *ast.IntegerNode, *ast.FloatNode, *ast.BoolNode, *ast.InfinityNode, *ast.NanNode:
		t := n.GetToken()
		return &node{kind: kindScalar, text: t.Value, pos: c.pos(n), plain: true}, nil
	case *ast.TagNode:
		// Unknown tags (a plain scalar starting with '!', such as
		// "!= after ...") are ignored: the value is used without them,
		// as yaml-cpp does.
		v, err := c.convert(x.Value, depth+1)
		if err != nil {
			return nil, err
		}
		if v.kind == kindNull {
			v = &node{kind: kindScalar, pos: c.pos(x)}
		}
		return v, nil
	case *ast.AnchorNode:
		v, err := c.convert(x.Value, depth+1)
		if err != nil {
			return nil, err
		}
		if x.Name != nil {
			c.anchors[x.Name.GetToken().Value] = v
		}
		return v, nil
	case *ast.AliasNode:
		name := ""
		if x.Value != nil {
			name = x.Value.GetToken().Value
		}
		v, ok := c.anchors[name]
		if !ok {
			return nil, &yamlError{pos: c.pos(x), msg: fmt.Sprintf("unknown anchor '%s' referenced", name)}
		}
		return v, nil
	case *ast.SequenceNode:
		out := &node{kind: kindSeq, pos: c.pos(x)}
		for _, v := range x.Values {
			cv, err := c.convert(v, depth+1)
			if err != nil {
				return nil, err
			}
			out.items = append(out.items, cv)
		}
		return out, nil
	case *ast.MappingNode:
		out := &node{kind: kindMap}
		for i, mv := range x.Values {
			if err := c.addPair(out, mv, depth); err != nil {
				return nil, err
			}
			if i == 0 {
				out.pos = out.kpos[0]
			}
		}
		if len(x.Values) == 0 {
			out.pos = c.pos(x)
		}
		return out, nil
	case *ast.MappingValueNode:
		out := &node{kind: kindMap}
		if err := c.addPair(out, x, depth); err != nil {
			return nil, err
		}
		out.pos = out.kpos[0]
		return out, nil
	case *ast.CommentNode, *ast.CommentGroupNode:
		return &node{kind: kindNull}, nil
	case *ast.DocumentNode:
		return c.convert(x.Body, depth+1)
	}
	return nil, &yamlError{pos: c.pos(n), msg: fmt.Sprintf("unsupported YAML node %s", n.Type())}
}

func (c *converter) addPair(out *node, mv *ast.MappingValueNode, depth int) error {
	k, err := c.convert(mv.Key, depth+1)
	if err != nil {
		return err
	}
	if k.kind != kindScalar {
		return &yamlError{pos: c.pos(mv.Key), msg: "mapping keys must be scalars"}
	}
	v, err := c.convert(mv.Value, depth+1)
	if err != nil {
		return err
	}
	if v.kind == kindNull && v.pos.Line == 0 {
		v.pos = k.pos
	}
	out.keys = append(out.keys, k.text)
	out.vals = append(out.vals, v)
	out.kpos = append(out.kpos, k.pos)
	return nil
}
