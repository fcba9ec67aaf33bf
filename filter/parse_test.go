package filter

import (
	"strings"
	"testing"
	"time"
)

func mustParse(t *testing.T, s string, o Options) Node {
	t.Helper()
	n, err := Parse(s, o)
	if err != nil {
		t.Fatalf("Parse(%q): %v", s, err)
	}
	return n
}

// shape renders the tree with explicit grouping, to check precedence.
func shape(n Node) string {
	switch x := n.(type) {
	case *BoolOp:
		parts := make([]string, len(x.Items))
		for i, it := range x.Items {
			parts[i] = shape(it)
		}
		return "[" + strings.Join(parts, " "+x.Op+" ") + "]"
	case *Not:
		return "!" + shape(x.X)
	case *Paren:
		return shape(x.X)
	case *Check:
		return x.String()
	case *Ident:
		return "@" + x.Name
	}
	return "?"
}

func TestParsePrecedenceAndShapes(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"evt.type=open", "evt.type = open"},
		{"evt.num<300", "evt.num < 300"},
		{"a.b=1 or c.d=2 and e.f=3", "[a.b = 1 or [c.d = 2 and e.f = 3]]"},
		{"a.b=1 and c.d=2 or e.f=3", "[[a.b = 1 and c.d = 2] or e.f = 3]"},
		{"not a.b=1 and c.d=2", "[!a.b = 1 and c.d = 2]"},
		{"not not a.b=1", "!a.b = 1"},
		{"not(a.b=1)", "!a.b = 1"},
		{"(a.b=1 or c.d=2) and e.f=3", "[[a.b = 1 or c.d = 2] and e.f = 3]"},
		{"a.b==1", "a.b = 1"},
		{"fd.name in (a, 'b c',\"d\")", `fd.name in (a, "b c", "d")`},
		{"fd.name in ()", `fd.name in ("")`},
		{"proc.name exists and a.b=1", "[proc.name exists and a.b = 1]"},
		{"evt.type intersects (open,close)", "evt.type intersects (open, close)"},
		{"fd.name bcontains 2f746d70", "fd.name bcontains 2f746d70"},
		{`proc.name="a\"b"`, `proc.name = "a\x22b"`},
		{`proc.name='x\x41y'`, `proc.name = "xAy"`},
		{`proc.name=a\qb`, `proc.name = "a\\qb"`},
		{"proc.aname[2]=bash", "proc.aname[2] = bash"},
		{"container.mount.dest[/var/run/docker.sock] exists", "container.mount.dest[/var/run/docker.sock] exists"},
		{"fd.name contains \"a)b\"", `fd.name contains "a)b"`},
		{"proc.name=curl)", ""},
	} {
		n, err := Parse(tc.in, Options{})
		if tc.want == "" {
			if err == nil {
				t.Errorf("%q: parsed, want an error", tc.in)
			}
			continue
		}
		if err != nil {
			t.Errorf("%q: %v", tc.in, err)
			continue
		}
		if got := shape(n); got != tc.want {
			t.Errorf("%q: got %s, want %s", tc.in, got, tc.want)
		}
	}
}

func TestParseMacros(t *testing.T) {
	n := mustParse(t, "spawned_process and not proc.name in (shell_binaries) or never_true", Options{Macros: true})
	if got := shape(n); got != "[[@spawned_process and !proc.name in (shell_binaries)] or @never_true]" {
		t.Errorf("got %s", got)
	}
	// Without macros a bare word is an unknown field.
	_, err := Parse("never_true", Options{Field: FieldChecker})
	if err == nil || err.Error() != "filter error at position 10: filter error: unrecognized field never_true at pos 0" {
		t.Errorf("got %v", err)
	}
}

// The messages and positions sysdig 0.29.3 prints for these filters.
func TestParseErrorsMatchSysdig(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"evt.type=open evt.dir=<", "filter error at position 14: syntax error in filter"},
		{"evt.type=open and", "filter error at position 17: filter error: unexpected end of filter"},
		{"(evt.type=open", "filter error at position 15: filter error: unexpected end of filter"},
		{"not", "filter error at position 3: filter error: unexpected end of filter"},
		{"not(evt.type=open", "filter error at position 18: filter error: unexpected end of filter"},
		{"evt.type=open or", "filter error at position 16: filter error: unexpected end of filter"},
		{"proc.name exists and", "filter error at position 20: filter error: unexpected end of filter"},
		{"evt.type=open and not", "filter error at position 21: filter error: unexpected end of filter"},
		{"and evt.type=open", "filter error at position 3: filter error: unrecognized field and at pos 0"},
		{"foo.bar=1", "filter error at position 7: filter error: unrecognized field foo.bar at pos 0"},
		{"x", "filter error at position 1: filter error: unrecognized field x at pos 0"},
		{"proc.aname[x]=a", "filter error at position 13: x is not a valid number"},
		{"evt.type in open", "filter error at position 12: expected '(' after 'in/intersects/pmatch' operand"},
		{`evt.type in ("open" "close")`, "filter error at position 20: expected either ')' or ',' after a value inside the 'in/pmatch' clause"},
		{"proc.name in (a,b", "filter error at position 18: expected either ')' or ',' after a value inside the 'in/pmatch' clause"},
		{"proc.name in (", "filter error at position 15: expected either ')' or ',' after a value inside the 'in/pmatch' clause"},
		{"proc.name frobs 1", "filter error at position 10: filter error: unrecognized comparison operator after proc.name "},
		{"evt.type", "filter error at position 8: filter error: unrecognized comparison operator after evt.type"},
		{"not evt.type", "filter error at position 12: filter error: unrecognized comparison operator after not evt.type"},
		{`proc.name="curl`, "filter error at position 15: filter error: unclosed quotes"},
		{"evt.arg.foo=1", "filter error at position 11: unknown event argument foo"},
		{"evt.rawarg.foo=1", "filter error at position 14: unknown event argument foo"},
		{"evt.arg[x]=a", "filter error at position 10: x is not a valid number"},
		{"evt.arg=3", "filter error at position 7: filter syntax error: evt.arg"},
		{"thread.cgroup=a", "filter error at position 13: filter syntax error: thread.cgroup"},
		{"proc.namex=curl", "filter error at position 10: filter error: unrecognized field proc.namex at pos 0"},
	} {
		_, err := Parse(tc.in, Options{Field: FieldChecker})
		if err == nil {
			t.Errorf("%q: no error, want %q", tc.in, tc.want)
			continue
		}
		if err.Error() != tc.want {
			t.Errorf("%q:\n got %q\nwant %q", tc.in, err.Error(), tc.want)
		}
	}
}

func TestCompileErrorsMatchSysdig(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"evt.type=", "filter error at position 9: unknown event type "},
		{"evt.type==open", ""}, // Falco's == : valid
		{"evt.num=abc", "filter error at position 11: abc is not a valid number"},
		{"evt.num = abc", "filter error at position 13: abc is not a valid number"},
		{"evt.num>", "filter error at position 8:  is not a valid number"},
		{"evt.num=5x", "filter error at position 10: 5x is not a valid number"},
		{"evt.failed=1", "filter error at position 12: filter error: unrecognized boolean value 1"},
		{"thread.ismain=TRUE", "filter error at position 18: filter error: unrecognized boolean value TRUE"},
		{"evt.num pmatch (1)", "filter error at position 16: pmatch requires all charbuf arguments"},
		{"evt.type in (open,foo)", "filter error at position 20: unknown event type foo"},
		{"evt.type=open or evt.type=nope", "filter error at position 30: unknown event type nope"},
		{"proc.pid=1.5", "filter error at position 12: 1.5 is not a valid number"},
		{"evt.rawarg.res=abc", "filter error at position 18: abc is not a valid number"},
		{"evt.around[1]>1", "filter error at position 15: evt.around supports only '=' comparison operator"},
		{"evt.around[1]=x", "filter error at position 15: x is not a valid number"},
		{"evt.num contains 1", "filter error at position 16: 'contains' not supported for numeric filters"},
		{"evt.buffer icontains a", "filter error at position 20: 'icontains' not supported for buffer filters"},
		{"evt.num=+5", ""},
		{"evt.num=18446744073709551616", ""},
		{"proc.name glob c[u]rl", ""},
		// sysdig's messages (it gives no position for these).
		{"fd.ip exists", "filter error at position 12: IP filter only supports '=' and '!=' operators"},
		{"fd.net exists", "filter error at position 13: IP filter only supports '=' and '!=' operators"},
		{"fd.ip > 1.2.3.4", "filter error at position 7: IP filter only supports '=' and '!=' operators"},
		{"fd.port exists", "filter error at position 14: unsupported port comparison operator"},
		{"fd.proto exists", "filter error at position 15: unsupported port comparison operator"},
		// Ordered on one address: accepted.
		{"fd.sip > 126.0.0.2", ""},
		{"fd.sport > 1 and fd.port > 1", ""},
	} {
		_, err := Compile(tc.in)
		got := ""
		if err != nil {
			got = err.Error()
		}
		if got != tc.want {
			t.Errorf("%q:\n got %q\nwant %q", tc.in, got, tc.want)
		}
	}
}

func TestErrorCaret(t *testing.T) {
	_, err := Compile("proc.name=bash and evt.num=abc")
	fe, ok := err.(*Error)
	if !ok {
		t.Fatalf("error %v is not *Error", err)
	}
	want := "  proc.name=bash and evt.num=abc\n                                ^\n"
	if fe.Caret() != want {
		t.Errorf("caret:\n%s\nwant:\n%s", fe.Caret(), want)
	}
}

func TestEventTypePrefilter(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want string // comma-separated names; "" = any
	}{
		// Every name is also a syscall name: generic events may carry it.
		{"evt.type=open", "open,syscall"},
		{"evt.type in (open, close) and proc.name=x", "close,open,syscall"},
		{"evt.type=execve", "execve,syscall"},
		{"evt.type=open or proc.name=x", ""},
		{"proc.name=x", ""},
		{"(evt.type=execve or evt.type=clone) and proc.pid>0", "clone,execve,syscall"},
		{"evt.type=execve and evt.type=clone", "syscall"},
		{"evt.type=switch", "switch"},
	} {
		f, err := Compile(tc.in)
		if err != nil {
			t.Fatal(err)
		}
		ts := f.EventTypes()
		if tc.want == "" {
			if ts != nil {
				t.Errorf("%q: got a restriction %v, want none", tc.in, ts)
			}
			continue
		}
		names := map[string]bool{}
		for _, ty := range ts {
			names[eventName(ty)] = true
		}
		var got []string
		for n := range names {
			got = append(got, n)
		}
		sortStrings(got)
		g := strings.Join(got, ",")
		if len(got) == 0 {
			g = "none"
		}
		if g != tc.want {
			t.Errorf("%q: got %s, want %s", tc.in, g, tc.want)
		}
	}
	// A complement keeps generic events: their type name depends on the
	// syscall they carry.
	f, _ := Compile("not evt.type in (open, close)")
	if !f.MayMatchType(0) || !f.MayMatchType(1) || f.MayMatchType(2) {
		t.Errorf("complement of open/close: generic %v/%v open %v", f.MayMatchType(0), f.MayMatchType(1), f.MayMatchType(2))
	}
}

// TestThreadOnly: only filters made of thread-stable fields may cache
// their verdicts on threads.
func TestThreadOnly(t *testing.T) {
	for expr, want := range map[string]bool{
		"proc.name=nano": true,
		"container.id!=host and proc.name in (a)":       true,
		"not proc.cmdline contains x or user.name=root": true,
		"proc.name=x and fd.num=3":                      false,
		"proc.aname[2]=bash":                            false,
		"evt.type=open and proc.name=x":                 false,
		"thread.vmsize>10":                              false,
	} {
		f, err := Compile(expr)
		if err != nil {
			t.Fatalf("%s: %v", expr, err)
		}
		if got := f.ThreadOnly(); got != want {
			t.Errorf("%s: ThreadOnly %v, want %v", expr, got, want)
		}
	}
}

// Rule conditions read strings as current Falco does.
func TestFalcoStrings(t *testing.T) {
	o := Options{Macros: true, FalcoStrings: true}
	for _, c := range []struct{ expr, want, err string }{
		{`proc.args contains "\ "`, `\`, ""},
		{`proc.args endswith \`, `\`, ""},
		{`proc.args endswith a\b`, `a\b`, ""},
		{`fd.name = "a\tb\nc\\d\/e"`, "a\tb\nc\\d/e", ""},
		{`proc.cmdline = "say \"hi\" 'there'"`, `say "hi" 'there'`, ""},
		{`proc.cmdline = 'it''`, "", ""}, // 'it' then a stray quote: an error below
		{`proc.cmdline = 'a "b" \'c\''`, `a "b" 'c'`, ""},
		{`proc.cmdline = "\'"`, "", `unsupported string escape sequence: \'`},
		{`proc.cmdline = '\"'`, "", `unsupported string escape sequence: \"`},
		{`proc.cmdline = "\x41"`, "", `unsupported string escape sequence: \x`},
		{`proc.cmdline = "abc`, "", "unclosed quotes"},
	} {
		n, err := Parse(c.expr, o)
		if c.want == "" && c.err == "" {
			if err == nil {
				t.Errorf("%s: parsed, want an error", c.expr)
			}
			continue
		}
		if c.err != "" {
			if err == nil || !strings.Contains(err.Error(), c.err) {
				t.Errorf("%s: error %v, want %q", c.expr, err, c.err)
			}
			continue
		}
		if err != nil {
			t.Errorf("%s: %v", c.expr, err)
			continue
		}
		ck, ok := n.(*Check)
		if !ok || len(ck.Values) != 1 || ck.Values[0].Text != c.want {
			t.Errorf("%s: parsed as %#v, want the value %q", c.expr, n, c.want)
		}
	}
}

// TestParseDepthLimit checks that deep parentheses fail at the limit,
// quickly, and that the limit itself parses.
func TestParseDepthLimit(t *testing.T) {
	ok := strings.Repeat("(", MaxDepth) + "evt.type=open" + strings.Repeat(")", MaxDepth)
	if _, err := Parse(ok, Options{Field: FieldChecker}); err != nil {
		t.Fatalf("%d levels: %v", MaxDepth, err)
	}
	start := time.Now()
	deep := strings.Repeat("(", 1000000) + "evt.type=open" + strings.Repeat(")", 1000000)
	_, err := Parse(deep, Options{Field: FieldChecker})
	want := "filter error at position 1000: parentheses nested deeper than 1000 levels"
	if err == nil || err.Error() != want {
		t.Errorf("got %v, want %q", err, want)
	}
	if d := time.Since(start); d > time.Second {
		t.Errorf("took %v", d)
	}
}
