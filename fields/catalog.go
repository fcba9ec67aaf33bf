package fields

//go:generate go run ../internal/gen/fields -spec ../internal/gen/spec -out catalog_gen.go

import (
	"io"
	"strings"
)

// Type is a field's value type, named as sysdig's -lv prints it.
type Type uint8

// Field value types.
const (
	TUint64 Type = iota + 1
	TUint32
	TInt64
	TInt32
	TInt16
	TCharbuf
	TBytebuf
	TBool
	TDouble
	TAbsTime
	TRelTime
	TIPAddr
	TIPNet
	TPort
	TDynamic
)

var typeNames = [...]string{
	TUint64: "UINT64", TUint32: "UINT32", TInt64: "INT64", TInt32: "INT32",
	TInt16: "INT16", TCharbuf: "CHARBUF", TBytebuf: "BYTEBUF", TBool: "BOOL",
	TDouble: "DOUBLE", TAbsTime: "ABSTIME", TRelTime: "RELTIME",
	TIPAddr: "IPADDR", TIPNet: "IPNET", TPort: "PORT", TDynamic: "DYNAMIC",
}

func (t Type) String() string {
	if int(t) < len(typeNames) && typeNames[t] != "" {
		return typeNames[t]
	}
	return "UNKNOWN"
}

// Numeric reports whether values of t compare as numbers.
func (t Type) Numeric() bool {
	switch t {
	case TUint64, TUint32, TInt64, TInt32, TInt16, TAbsTime, TRelTime, TPort, TDouble:
		return true
	}
	return false
}

// Signed reports whether t is a signed integer type.
func (t Type) Signed() bool { return t == TInt64 || t == TInt32 || t == TInt16 }

// Flag qualifies a field definition.
type Flag uint8

// Field flags.
const (
	// FilterOnly fields may be used in filters but not in -p formats.
	FilterOnly Flag = 1 << iota
)

// Def is one field of the catalog.
type Def struct {
	Name  string
	Type  Type
	Flags Flag
	Desc  string
	Class *Class
}

// Class is a group of fields as `sysdig -l` lists them.
type Class struct {
	Name      string
	ShortDesc string
	Desc      string
	Defs      []*Def
}

// byName indexes the catalog; several classes may share a prefix (the two
// evt classes).
var byName = map[string]*Def{}

// hidden lists fields sysdig accepts but does not list: print-only and
// table-only ones used by its default format, chisels and views.
var hidden = &Class{Name: "hidden", Defs: []*Def{
	{Name: "evt.outputtime", Type: TCharbuf, Desc: "this depends on -t param, default is %evt.time ('h')."},
	{Name: "evt.latency.quantized", Type: TUint64},
	{Name: "evt.count.procinfo", Type: TUint32},
	{Name: "evt.count.threadinfo", Type: TUint32},
	{Name: "evt.buflen.in", Type: TUint64},
	{Name: "evt.buflen.out", Type: TUint64},
	{Name: "evt.buflen.file", Type: TUint64},
	{Name: "evt.buflen.file.in", Type: TUint64},
	{Name: "evt.buflen.file.out", Type: TUint64},
	{Name: "evt.buflen.net", Type: TUint64},
	{Name: "evt.buflen.net.in", Type: TUint64},
	{Name: "evt.buflen.net.out", Type: TUint64},
	{Name: "thread.vmsize.b", Type: TUint64},
	{Name: "thread.vmrss.b", Type: TUint64},
	{Name: "thread.nametid", Type: TCharbuf},
	{Name: "span.count", Type: TUint64},
	{Name: "span.count.fortag", Type: TUint64},
	{Name: "span.childcount.fortag", Type: TUint64},
	{Name: "span.duration.quantized", Type: TUint64},
	{Name: "span.duration.fortag", Type: TRelTime},
	{Name: "span.idtag", Type: TCharbuf},
	{Name: "span.rawtime", Type: TCharbuf},
	{Name: "span.rawparenttime", Type: TCharbuf},
}}

func init() {
	for _, c := range append(catalog, hidden) {
		for _, d := range c.Defs {
			d.Class = c
			byName[d.Name] = d
		}
	}
}

// Classes returns the field classes in listing order.
func Classes() []*Class { return catalog }

// Lookup returns the definition of an exact field name.
func Lookup(name string) *Def { return byName[name] }

const (
	listIndent = 30
	listWidth  = 120
)

// wrap appends s word by word, each word followed by a space, breaking
// lines the way sysdig's field listing does.
func wrap(b *strings.Builder, s string) {
	n := 0
	for _, w := range strings.Fields(s) {
		wl := len(w) + 1
		if n+wl > listWidth-listIndent {
			b.WriteString("\n")
			b.WriteString(strings.Repeat(" ", listIndent))
			n = 0
		}
		n += wl
		b.WriteString(w)
		b.WriteByte(' ')
	}
}

func pad(b *strings.Builder, s string) {
	b.WriteString(s)
	if len(s) < listIndent {
		b.WriteString(strings.Repeat(" ", listIndent-len(s)))
	}
}

// WriteList prints the catalog as `sysdig -l` does (with types when
// verbose, as -lv), byte for byte, and then, as one more class of the
// same layout, the Falco fields that sysdig 0.29.3 does not have.
func WriteList(w io.Writer, verbose bool) error {
	var b strings.Builder
	for _, c := range append(catalog[:len(catalog):len(catalog)], falcoFields) {
		b.WriteString("-------------------------------\n")
		pad(&b, "Field Class:")
		b.WriteString(c.Name)
		if c.ShortDesc != "" {
			b.WriteString(" (" + c.ShortDesc + ")")
		}
		b.WriteString("\n")
		if c.Desc != "" {
			pad(&b, "Description:")
			wrap(&b, c.Desc)
			b.WriteString("\n")
		}
		b.WriteString("\n")
		for _, d := range c.Defs {
			if len(d.Name) > listIndent {
				b.WriteString(d.Name + "\n" + strings.Repeat(" ", listIndent))
			} else {
				pad(&b, d.Name)
			}
			desc := d.Desc
			if d.Flags&FilterOnly != 0 {
				desc = "(FILTER ONLY) " + desc
			}
			if verbose {
				desc = "(Type: " + d.Type.String() + ") " + desc
			}
			wrap(&b, desc)
			b.WriteString("\n")
		}
		b.WriteString("\n")
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// WriteMarkdown prints the catalog as `sysdig --list-markdown` does.
func WriteMarkdown(w io.Writer) error {
	var b strings.Builder
	for _, c := range catalog {
		b.WriteString("\n## Field Class: " + c.Name + "\n\n")
		if c.Desc != "" {
			b.WriteString(c.Desc + "\n\n")
		}
		b.WriteString("Name | Type | Description\n:----|:-----|:-----------\n")
		for _, d := range c.Defs {
			b.WriteString("`" + d.Name + "` | " + d.Type.String() + " | " + d.Desc + "\n")
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}
