package chisels

import (
	"fmt"
	"io"
	"sort"
	"strings"

	lua "github.com/yuin/gopher-lua"
)

// Arg describes one chisel argument (an entry of the chisel's args
// table).
type Arg struct {
	Name        string
	Type        string // argtype: "string", "int", "filter", ...; informational
	Description string
	Optional    bool
}

// Desc is what a chisel declares about itself.
type Desc struct {
	Name             string // file base name without .lua
	Path             string
	Description      string
	ShortDescription string
	Category         string
	Args             []Arg
	// View marks a csysdig view file (it defines view_info): -cl leaves
	// it out and -i describes it as empty, as sysdig does.
	View bool
}

// Required returns the number of required arguments.
func (d *Desc) Required() int {
	n := 0
	for _, a := range d.Args {
		if !a.Optional {
			n++
		}
	}
	return n
}

// parseArgs reads the args table as sysdig does: string entries are
// ignored, table entries give name, argtype, description (strings) and
// optional (boolean); any other value is an error.
func parseArgsTable(L *lua.LState, t *lua.LTable) ([]Arg, error) {
	var out []Arg
	var err error
	forEach(t, func(k, v lua.LValue) {
		if err != nil {
			return
		}
		switch e := v.(type) {
		case lua.LString, lua.LNumber:
		case *lua.LTable:
			var a Arg
			forEach(e, func(k, v lua.LValue) {
				if err != nil {
					return
				}
				key := lua.LVAsString(k)
				switch v.(type) {
				case lua.LString, lua.LNumber:
					s := lua.LVAsString(v)
					switch key {
					case "name":
						a.Name = s
					case "argtype":
						a.Type = s
					case "description":
						a.Description = s
					}
				case lua.LBool:
					if key == "optional" {
						a.Optional = lua.LVAsBool(v)
					}
				default:
					err = fmt.Errorf("%s is not a string", key)
				}
			})
			out = append(out, a)
		default:
			err = fmt.Errorf("%s is not a string", lua.LVAsString(k))
		}
	})
	return out, err
}

// forEach iterates a table in lua_next order: the array part in index
// order, then the hash part.
func forEach(t *lua.LTable, fn func(k, v lua.LValue)) {
	k, v := t.Next(lua.LNil)
	for k != lua.LNil {
		fn(k, v)
		k, v = t.Next(k)
	}
}

// describe runs a chisel file in a fresh state and reads its globals for
// the listing. It returns nil for files that are not listed: no
// description or short description string, no args, hidden, or views.
func describe(name, path string, src []byte, dirs []string) *Desc {
	// The libraries are there, bound to a chisel without input: what
	// the top-level code prints is discarded.
	c := &Chisel{Name: name, Path: path, host: &Host{Out: io.Discard, Stderr: io.Discard, Dirs: dirs}}
	c.L = newState(dirs, c.writer, func(int) {})
	c.register()
	L := c.L
	defer c.Close()
	fn, err := loadChunk(L, src, chunkName(path))
	if err != nil {
		return nil
	}
	L.Push(fn)
	if err := L.PCall(0, 0, nil); err != nil {
		return nil
	}
	d := &Desc{Name: name, Path: path}
	if _, ok := L.GetGlobal("view_info").(*lua.LTable); ok {
		d.View = true
		return d
	}
	str := func(g string) (string, bool) {
		switch v := L.GetGlobal(g).(type) {
		case lua.LString:
			return string(v), true
		case lua.LNumber:
			return numberToString(float64(v)), true
		}
		return "", false
	}
	var ok bool
	if d.Description, ok = str("description"); !ok {
		return nil
	}
	if d.ShortDescription, ok = str("short_description"); !ok {
		return nil
	}
	d.Category, _ = str("category")
	if h, ok := L.GetGlobal("hidden").(lua.LBool); ok && bool(h) {
		return nil
	}
	args := L.GetGlobal("args")
	if args == lua.LNil {
		return nil
	}
	if t, ok := args.(*lua.LTable); ok {
		if d.Args, err = parseArgsTable(L, t); err != nil {
			return nil
		}
	}
	return d
}

// List returns the chisels of the search directories that sysdig -cl
// shows (the first file of a name wins), sorted by category and name.
func List(dirs []string) []*Desc {
	all := listAll(dirs)
	out := all[:0]
	for _, d := range all {
		if !d.View {
			out = append(out, d)
		}
	}
	return out
}

// listAll is List with the view files.
func listAll(dirs []string) []*Desc {
	seen := map[string]bool{}
	var out []*Desc
	for _, d := range dirs {
		if d == "" {
			continue
		}
		for _, f := range listFiles(d) {
			name := strings.TrimSuffix(f, ".lua")
			if seen[name] {
				continue
			}
			if cwdDir(d) && untrusted(d+f) != "" {
				continue // listing runs the file's top level
			}
			seen[name] = true
			src, err := readChisel(d, f)
			if err != nil {
				continue
			}
			if desc := describe(name, d+f, src, dirs); desc != nil {
				out = append(out, desc)
			}
		}
	}
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].Category != out[j].Category {
			return out[i].Category < out[j].Category
		}
		return out[i].Name < out[j].Name
	})
	return out
}

const (
	descStart = 16 // column of the short descriptions
	lineLen   = 79
)

// writeList prints descs as sysdig -cl does (without the closing hint).
func writeList(b *strings.Builder, descs []*Desc) {
	last := ""
	for _, d := range descs {
		if d.Category != last {
			title := "Category: " + d.Category
			b.WriteString("\n" + title + "\n" + strings.Repeat("-", len(title)) + "\n")
			last = d.Category
		}
		b.WriteString(d.Name)
		n := len(d.Name)
		if n >= descStart {
			b.WriteByte('\n')
			n = 0
		}
		b.WriteString(strings.Repeat(" ", descStart-n))
		for i := 0; i < len(d.ShortDescription); i++ {
			if i > 0 && i%(lineLen-descStart) == 0 {
				b.WriteString("\n" + strings.Repeat(" ", descStart))
			}
			b.WriteByte(d.ShortDescription[i])
		}
		b.WriteByte('\n')
	}
}

// WriteList prints the listing of sysdig -cl.
func WriteList(w io.Writer, descs []*Desc) error {
	var b strings.Builder
	writeList(&b, descs)
	b.WriteString("\nUse the -i flag to get detailed information about a specific chisel\n")
	_, err := io.WriteString(w, b.String())
	return err
}

// WriteInfo prints the description of one chisel as sysdig -i does.
func WriteInfo(w io.Writer, d *Desc) error {
	var b strings.Builder
	if !d.View {
		writeList(&b, []*Desc{d})
	}
	b.WriteByte('\n')
	for i := 0; i < len(d.Description); i++ {
		if i > 0 && i%lineLen == 0 {
			b.WriteByte('\n')
		}
		b.WriteByte(d.Description[i])
	}
	b.WriteByte('\n')
	a := "Args:\n"
	if len(d.Args) == 0 {
		a += "(None)"
	}
	for _, arg := range d.Args {
		a += "[" + arg.Type + "] " + arg.Name + " - " + arg.Description + "\n"
	}
	pos := 0
	for i := 0; i < len(a); i, pos = i+1, pos+1 {
		if a[i] == '\n' {
			pos = -1
		} else if pos != 0 && pos%(lineLen-descStart) == 0 {
			b.WriteString("\n" + strings.Repeat(" ", descStart))
		}
		b.WriteByte(a[i])
	}
	b.WriteByte('\n')
	_, err := io.WriteString(w, b.String())
	return err
}

// Info finds a listed chisel by name.
func Info(dirs []string, name string) (*Desc, error) {
	for _, d := range listAll(dirs) {
		if d.Name == name {
			return d, nil
		}
	}
	return nil, fmt.Errorf("chisel %s not found - use -cl to list them.", name)
}
