package fields

import "fmt"

// Fields trace parses but never has a value for, as sysdig reading a
// capture file: the mesos and marathon classes (they need a Mesos master
// to ask), and the span and evtin classes (they follow tracer events,
// whose parameters live only in the memory of a live capture and never
// reach a capture file). Their arguments are checked as sysdig checks
// them, with its error messages.

// buildSpanIndex checks the "[N]" argument of span.* and evtin.* fields.
func buildSpanIndex(f *Field) error {
	if _, ok := parsed32(f.Arg); !ok {
		return fmt.Errorf("%s is not a valid number", f.Arg)
	}
	return nil
}

// registerAbsent registers the fields of this file. k8s.go's init calls
// it: an init here would run before catalog.go's, which fills the catalog
// (package initialization runs files in name order).
func registerAbsent() {
	for _, name := range []string{
		"mesos.task.name", "mesos.task.id", "mesos.task.labels",
		"mesos.framework.name", "mesos.framework.id",
		"marathon.app.name", "marathon.app.id", "marathon.app.labels",
		"marathon.group.name", "marathon.group.id",
	} {
		absent(name, argNone)
	}
	absent("mesos.task.label", argDotLabel)
	absent("marathon.app.label", argDotLabel)

	for _, name := range []string{
		"span.id", "span.time", "span.ntags", "span.nargs", "span.tags",
		"span.args", "span.enterargs", "span.duration", "span.duration.human",
		"span.count", "span.duration.quantized", "span.rawtime", "span.rawparenttime",
	} {
		absent(name, argNone)
	}
	// Table-only span fields with a [N] argument.
	for _, name := range []string{"span.count.fortag", "span.childcount.fortag", "span.duration.fortag", "span.idtag"} {
		name := name
		register(name, argIndex, func(f *Field) error {
			f.get = func(*Ctx, *Value) bool { return false }
			if _, err := argNumber(f); err != nil {
				return err
			}
			return nil
		})
	}
	// span.tag takes an index only.
	register("span.tag", argDotIndex, func(f *Field) error {
		if f.Name[len("span.tag")] == '.' {
			return fmt.Errorf("invalid syntax for span.tag")
		}
		f.get = func(*Ctx, *Value) bool { return false }
		return buildSpanIndex(f)
	})
	// span.arg and span.enterarg take an index or a name: the name is all
	// the text after the dot.
	for _, name := range []string{"span.arg", "span.enterarg"} {
		name := name
		register(name, argDotRestIndex, func(f *Field) error {
			f.get = func(*Ctx, *Value) bool { return false }
			if f.Name[len(name)] == '[' {
				return buildSpanIndex(f)
			}
			return nil
		})
	}

	for _, scope := range []string{"", "p.", "s.", "m."} {
		prefix := "evtin.span." + scope
		for _, name := range []string{"id", "ntags", "nargs", "tags", "args"} {
			absent(prefix+name, argNone)
		}
		// evtin.span.tag and evtin.span.arg take an index, or an event
		// parameter name (the longest one that prefixes the text).
		for _, name := range []string{prefix + "tag", prefix + "arg"} {
			name := name
			register(name, argDotIndex, func(f *Field) error {
				f.get = func(*Ctx, *Value) bool { return false }
				if f.Name[len(name)] == '[' {
					return buildSpanIndex(f)
				}
				param, _ := longestParam(f.Arg)
				if param == "" {
					return fmt.Errorf("unknown event argument %s", f.Arg)
				}
				f.fixArg(param)
				return nil
			})
		}
	}
}
