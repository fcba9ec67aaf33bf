package filter

import "testing"

// FuzzParse checks that the parser never panics, and that a parsed
// expression printed back parses to the same tree.
func FuzzParse(f *testing.F) {
	for _, s := range []string{
		"evt.type=open and proc.name!=bash", "not (a.b in (x, 'y z', \"w\")) or c.d exists",
		`proc.name="a\"b" and fd.name glob '/etc/*'`, "a and (b or not c)", "x.y in (", "(((",
		"fd.name pmatch (/etc, /usr) and evt.num>=10", `p.n='\x41\\'`, "evt.type intersects (open)",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		for _, macros := range []bool{false, true} {
			n, err := Parse(s, Options{Macros: macros})
			if err != nil {
				if _, ok := err.(*Error); !ok {
					t.Fatalf("%q: error of type %T", s, err)
				}
				continue
			}
			if n == nil {
				continue
			}
			back := n.String()
			n2, err := Parse(back, Options{Macros: macros})
			if err != nil {
				t.Fatalf("%q printed as %q, which does not parse: %v", s, back, err)
			}
			if shape(n) != shape(n2) {
				t.Fatalf("%q: tree %s, printed %q parses to %s", s, shape(n), back, shape(n2))
			}
		}
		// Compiling against the catalog must not panic either.
		Compile(s)
	})
}
