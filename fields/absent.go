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

// mesosTable: every field needs a Mesos master.
var mesosTable = []entry{
	never("mesos.task.name", argNone),
	never("mesos.task.id", argNone),
	never("mesos.task.labels", argNone),
	never("mesos.framework.name", argNone),
	never("mesos.framework.id", argNone),
	never("marathon.app.name", argNone),
	never("marathon.app.id", argNone),
	never("marathon.app.labels", argNone),
	never("marathon.group.name", argNone),
	never("marathon.group.id", argNone),
	never("mesos.task.label", argDotLabel),
	never("marathon.app.label", argDotLabel),
}

// spanTable: tracer spans, which captures never carry.
var spanTable = []entry{
	never("span.id", argNone),
	never("span.time", argNone),
	never("span.ntags", argNone),
	never("span.nargs", argNone),
	never("span.tags", argNone),
	never("span.args", argNone),
	never("span.enterargs", argNone),
	never("span.duration", argNone),
	never("span.duration.human", argNone),
	never("span.count", argNone),
	never("span.duration.quantized", argNone),
	never("span.rawtime", argNone),
	never("span.rawparenttime", argNone),
	// Table-only span fields with a [N] argument.
	{"span.count.fortag", argIndex, buildNumberArg},
	{"span.childcount.fortag", argIndex, buildNumberArg},
	{"span.duration.fortag", argIndex, buildNumberArg},
	{"span.idtag", argIndex, buildNumberArg},
	// span.tag takes an index only.
	{"span.tag", argDotIndex, buildSpanTag},
	// span.arg and span.enterarg take an index or a name: the name is all
	// the text after the dot.
	{"span.arg", argDotRestIndex, buildSpanArg},
	{"span.enterarg", argDotRestIndex, buildSpanArg},
}

// evtinTable: the spans an event is in, for each scope.
var evtinTable = func() []entry {
	var t []entry
	for _, scope := range []string{"", "p.", "s.", "m."} {
		prefix := "evtin.span." + scope
		for _, name := range []string{"id", "ntags", "nargs", "tags", "args"} {
			t = append(t, never(prefix+name, argNone))
		}
		t = append(t, entry{prefix + "tag", argDotIndex, buildEvtinArg}, entry{prefix + "arg", argDotIndex, buildEvtinArg})
	}
	return t
}()

func noValue(*Ctx, *Value) bool { return false }

// buildNumberArg checks a [N] argument.
func buildNumberArg(f *Field) error {
	f.get = noValue
	_, err := argNumber(f)
	return err
}

func buildSpanTag(f *Field) error {
	if f.Name[len("span.tag")] == '.' {
		return fmt.Errorf("invalid syntax for span.tag")
	}
	f.get = noValue
	return buildSpanIndex(f)
}

func buildSpanArg(f *Field) error {
	f.get = noValue
	if f.Name[len(f.Def.Name)] == '[' {
		return buildSpanIndex(f)
	}
	return nil
}

// buildEvtinArg: evtin.span.tag and evtin.span.arg take an index, or an
// event parameter name (the longest one that prefixes the text).
func buildEvtinArg(f *Field) error {
	f.get = noValue
	if f.Name[len(f.Def.Name)] == '[' {
		return buildSpanIndex(f)
	}
	param, _ := longestParam(f.Arg)
	if param == "" {
		return fmt.Errorf("unknown event argument %s", f.Arg)
	}
	f.fixArg(param)
	return nil
}
