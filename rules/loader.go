package rules

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"syscall"
)

// EngineVersion is the Falco rules engine version trace implements, for
// required_engine_version checks.
const EngineVersion = "0.57.0"

// Options tune loading.
type Options struct {
	// MinPriority drops, at load time, every rule less severe than it
	// (Falco's priority setting). The zero value keeps only Emergency
	// rules: use Debug (or DefaultOptions) to keep all.
	MinPriority Priority
	// Sources are the event sources whose rules are loaded; rules for
	// other sources are skipped with a warning. nil means "syscall".
	Sources []string
	// ContainerInfo is what %container.info becomes in rule outputs;
	// "" means Falco's default "%container.name (id=%container.id)".
	ContainerInfo string
	// AppendOutput are current Falco's append_output entries.
	AppendOutput []AppendOutput
}

// DefaultOptions keeps every rule of the syscall source.
func DefaultOptions() Options { return Options{MinPriority: Debug} }

// DefaultContainerInfo is Falco's expansion of %container.info.
const DefaultContainerInfo = "%container.name (id=%container.id)"

// Loader collects the items of rules files, in order, and compiles them.
type Loader struct {
	opts Options
	res  Result

	lists  []*listDef
	macros []*macroDef
	rules  []*ruleDef
	listBy map[string]*listDef
	macBy  map[string]*macroDef
	ruleBy map[string]*ruleDef
	seq    int  // definition counter (macro visibility)
	failed bool // a file failed: later files are not read
}

type listDef struct {
	name  string
	items []string
	pos   Pos
	index int
	used  bool
	flat  []string
}

type macroDef struct {
	name       string
	cond       string
	pos        Pos
	condPos    Pos
	index      int // position of the first definition
	visibility int // sequence number of the last (re)definition
	used       bool
}

type exceptionDef struct {
	name       string
	pos        Pos
	fields     []string
	fieldsList bool // fields written as a sequence
	hasFields  bool
	comps      []string
	compsList  bool
	hasComps   bool
	values     []*node
	hasValues  bool
}

type ruleDef struct {
	name         string
	pos          Pos
	condPos      Pos
	index        int
	source       string
	cond         string
	output       string
	desc         string
	priority     Priority
	tags         []string
	enabled      bool
	exceptions   []*exceptionDef
	warnEvttypes bool
	skipUnknown  bool
}

// NewLoader returns a loader with the given options.
func NewLoader(o Options) *Loader {
	return &Loader{opts: o, listBy: map[string]*listDef{}, macBy: map[string]*macroDef{}, ruleBy: map[string]*ruleDef{}}
}

// Load reads the given files and directories in order and compiles the
// rules. The ruleset is nil when any error occurred.
func Load(paths []string, o Options) (*Ruleset, *Result) {
	l := NewLoader(o)
	for _, p := range paths {
		if !l.LoadPath(p) {
			break
		}
	}
	return l.Compile()
}

// loadError aborts the collection of a file.
type loadError struct{ m *Message }

func (l *Loader) warn(code Code, itemType, itemName string, pos Pos, format string, a ...any) {
	l.res.add(&Message{Code: code, Text: fmt.Sprintf(format, a...), ItemType: itemType, ItemName: itemName, Pos: pos})
}

func fail(code Code, itemType, itemName string, pos Pos, format string, a ...any) {
	panic(loadError{&Message{Code: code, Text: fmt.Sprintf(format, a...), ItemType: itemType, ItemName: itemName, Pos: pos}})
}

// LoadPath loads a file, or the regular files of a directory in
// lexicographic order of name. It returns false when loading failed
// (the errors are in the result). Named pipes, devices and sockets are
// refused without being opened for long (reading one could block or
// never end); in a directory they, dangling links, link loops and
// subdirectories are skipped with a warning.
func (l *Loader) LoadPath(path string) bool {
	if l.failed {
		return false
	}
	st, err := os.Stat(path)
	if err != nil {
		return l.readFailed(path, err)
	}
	if !st.IsDir() {
		data, err := readRulesFile(path)
		if err != nil {
			return l.readFailed(path, err)
		}
		return l.LoadData(path, data)
	}
	ents, err := os.ReadDir(path)
	if err != nil {
		return l.readFailed(path, err)
	}
	var names []string
	for _, e := range ents {
		full := filepath.Join(path, e.Name())
		if why := skipReason(full); why != "" {
			l.warn(WarnSkippedFile, "rules content", "", Pos{File: full}, "skipping %s: %s", full, why)
			continue
		}
		names = append(names, e.Name())
	}
	sort.Strings(names)
	for _, n := range names {
		if !l.LoadPath(filepath.Join(path, n)) {
			return false
		}
	}
	return true
}

// skipReason tells why a directory entry is not loaded ("" when it is a
// regular file, or a link to one).
func skipReason(full string) string {
	st, err := os.Stat(full)
	if err != nil {
		if lst, lerr := os.Lstat(full); lerr == nil && lst.Mode()&os.ModeSymlink != 0 {
			if errors.Is(err, syscall.ELOOP) {
				return "a loop of symbolic links"
			}
			if errors.Is(err, fs.ErrNotExist) {
				return "a dangling symbolic link"
			}
		}
		return err.Error()
	}
	if st.Mode().IsRegular() {
		return ""
	}
	return "not a regular file (" + fileKind(st.Mode()) + ")"
}

// fileKind names a mode's file type.
func fileKind(m fs.FileMode) string {
	switch {
	case m.IsDir():
		return "a directory"
	case m&fs.ModeNamedPipe != 0:
		return "a named pipe"
	case m&fs.ModeSocket != 0:
		return "a socket"
	case m&fs.ModeCharDevice != 0:
		return "a character device"
	case m&fs.ModeDevice != 0:
		return "a block device"
	}
	return "type " + m.Type().String()
}

// readRulesFile reads a rules file that must be a regular file. It opens
// without blocking (a named pipe put in the path's place after a check
// would otherwise wait for a writer), checks the opened file, and reads
// at most one byte past MaxFileSize (the pre-scan refuses bigger files).
func readRulesFile(path string) ([]byte, error) {
	f, err := os.OpenFile(path, os.O_RDONLY|syscall.O_NONBLOCK, 0)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, err
	}
	if !st.Mode().IsRegular() {
		return nil, &os.PathError{Op: "open", Path: path, Err: errors.New("not a regular file (" + fileKind(st.Mode()) + ")")}
	}
	if st.Size() > MaxFileSize {
		return nil, &os.PathError{Op: "open", Path: path, Err: fmt.Errorf("the file is %d bytes, more than the %d MiB trace reads", st.Size(), MaxFileSize>>20)}
	}
	return io.ReadAll(io.LimitReader(f, MaxFileSize+1))
}

func (l *Loader) readFailed(path string, err error) bool {
	msg := err.Error()
	if pe, ok := err.(*os.PathError); ok {
		msg = pe.Err.Error()
	}
	l.res.Files = append(l.res.Files, &FileResult{Name: path})
	l.res.add(&Message{Code: ErrFileRead, Text: fmt.Sprintf("Could not open file %s for reading: %s", path, msg),
		ItemType: "rules content", Pos: Pos{File: path}})
	l.failed = true
	return false
}

// LoadData collects the items of one rules file's content; name is used
// in positions. It returns false when the file has an error.
func (l *Loader) LoadData(name string, data []byte) (ok bool) {
	if l.failed {
		return false
	}
	l.res.Files = append(l.res.Files, &FileResult{Name: name})
	defer func() {
		if r := recover(); r != nil {
			le, isLoad := r.(loadError)
			if !isLoad {
				panic(r)
			}
			l.res.add(le.m)
			l.failed = true
			ok = false
		}
	}()
	docs, err := parseYAML(name, data)
	if err != nil {
		ye := err.(*yamlError)
		fail(ErrYAMLParse, "rules content", "", ye.pos, "%s", ye.msg)
	}
	for _, d := range docs {
		switch d.kind {
		case kindScalar:
			fail(ErrYAMLValidate, "rules content", "", d.pos, "Rules content is not yaml")
		case kindMap:
			fail(ErrYAMLValidate, "rules content", "", d.pos, "Rules content is not yaml array of objects")
		}
		for _, it := range d.items {
			l.item(it)
		}
	}
	return true
}

func (l *Loader) item(n *node) {
	if n.kind != kindMap {
		fail(ErrYAMLValidate, "rules content item", "", n.pos, "Unexpected element type. Each element should be a yaml associative array.")
	}
	switch {
	case n.has("required_engine_version"):
		l.engineVersion(n)
	case n.has("required_plugin_versions"):
		l.pluginVersions(n)
	case n.has("list"):
		l.list(n)
	case n.has("macro"):
		l.macro(n)
	case n.has("rule"):
		l.rule(n)
	default:
		l.warn(WarnUnknownItem, "rules content item", "", n.pos, "Unknown top-level object")
	}
}

// scalar returns the text of a scalar value or fails.
func scalar(n *node, itemType, name string) string {
	switch n.kind {
	case kindScalar:
		return n.text
	case kindNull:
		return ""
	}
	fail(ErrYAMLValidate, itemType, name, n.pos, "Can't decode YAML scalar value")
	return ""
}

// nameOf returns the non-empty name held by key k.
func nameOf(n *node, k string) string {
	v := n.get(k)
	s := scalar(v, k, "")
	if s == "" {
		fail(ErrYAMLValidate, k, "", n.keyPos(k), "Mapping for key '%s' is empty", k)
	}
	return s
}

// required returns the value of key k or fails with Falco's message.
func required(n *node, k, itemType, name string) *node {
	v := n.get(k)
	if v == nil {
		fail(ErrYAMLValidate, itemType, name, n.pos, "Item has no mapping for key '%s'", k)
	}
	return v
}

func parseBool(n *node, itemType, name string) bool {
	s := scalar(n, itemType, name)
	switch strings.ToLower(s) {
	case "true", "yes", "on", "y":
		return true
	case "false", "no", "off", "n":
		return false
	}
	fail(ErrYAMLValidate, itemType, name, n.pos, "Can't decode YAML scalar value")
	return false
}

// strings returns the scalars of a sequence.
func stringSeq(n *node, itemType, name string) []string {
	if n.kind == kindNull {
		return nil
	}
	if n.kind != kindSeq {
		fail(ErrYAMLValidate, itemType, name, n.pos, "Value is not a sequence")
	}
	out := make([]string, 0, len(n.items))
	for _, it := range n.items {
		out = append(out, scalar(it, itemType, name))
	}
	return out
}

func checkKeys(l *Loader, n *node, itemType, name string, known ...string) {
	unknown := 0
	for i, k := range n.keys {
		ok := false
		for _, kk := range known {
			if k == kk {
				ok = true
				break
			}
		}
		if ok {
			continue
		}
		if unknown++; unknown <= maxKeyWarnings {
			l.warn(WarnUnknownKey, itemType, name, n.kpos[i], "Unknown key '%s'. The key will be ignored.", k)
		}
	}
	if unknown > maxKeyWarnings {
		l.warn(WarnUnknownKey, itemType, name, n.pos, "and %d more unknown keys, ignored", unknown-maxKeyWarnings)
	}
}

// maxKeyWarnings bounds the unknown-key warnings of one item.
const maxKeyWarnings = 10

var semverRe = regexp.MustCompile(`^(\d+)\.(\d+)\.(\d+)$`)

type semver [3]int

func parseSemver(s string) (semver, bool) {
	m := semverRe.FindStringSubmatch(strings.TrimSpace(s))
	if m == nil {
		return semver{}, false
	}
	var v semver
	for i := 0; i < 3; i++ {
		n, err := strconv.Atoi(m[i+1])
		if err != nil {
			return semver{}, false
		}
		v[i] = n
	}
	return v, true
}

func (a semver) less(b semver) bool {
	for i := 0; i < 3; i++ {
		if a[i] != b[i] {
			return a[i] < b[i]
		}
	}
	return false
}

func (a semver) String() string { return fmt.Sprintf("%d.%d.%d", a[0], a[1], a[2]) }

func (l *Loader) engineVersion(n *node) {
	const it = "required_engine_version"
	v := n.get(it)
	s := scalar(v, it, "")
	ours, _ := parseSemver(EngineVersion)
	var req semver
	if num, err := strconv.Atoi(s); err == nil && v.plain && num >= 0 {
		req = semver{0, num, 0}
	} else if sv, ok := parseSemver(s); ok {
		req = sv
	} else {
		fail(ErrYAMLValidate, it, "", v.pos, "Unable to parse engine version '%s' as a semver string. Expected \"x.y.z\" semver format.", s)
	}
	if ours.less(req) {
		fail(ErrValidate, it, "", v.pos, "Rules require engine version %s, but engine version is %s", req, EngineVersion)
	}
}

// builtinPlugins are the plugins whose fields trace provides natively.
var builtinPlugins = map[string]bool{"container": true, "k8smeta": true}

func (l *Loader) pluginVersions(n *node) {
	const it = "required_plugin_versions"
	v := n.get(it)
	if v.kind == kindNull {
		return
	}
	if v.kind != kindSeq {
		fail(ErrYAMLValidate, it, "", v.pos, "Value is not a sequence")
	}
	for _, p := range v.items {
		if p.kind != kindMap {
			fail(ErrYAMLValidate, it, "", p.pos, "Unexpected element type. Each element should be a yaml associative array.")
		}
		names := []string{}
		check := func(m *node) {
			name := scalar(required(m, "name", it, ""), it, "")
			ver := scalar(required(m, "version", it, name), it, name)
			if _, ok := parseSemver(ver); !ok {
				fail(ErrYAMLValidate, it, name, m.pos, "Unable to parse plugin version '%s' as a semver string. Expected \"x.y.z\" semver format.", ver)
			}
			names = append(names, name)
		}
		check(p)
		if alt := p.get("alternatives"); alt != nil && alt.kind != kindNull {
			if alt.kind != kindSeq {
				fail(ErrYAMLValidate, it, "", alt.pos, "Value is not a sequence")
			}
			for _, a := range alt.items {
				if a.kind != kindMap {
					fail(ErrYAMLValidate, it, "", a.pos, "Unexpected element type. Each element should be a yaml associative array.")
				}
				check(a)
			}
		}
		ok := false
		for _, name := range names {
			ok = ok || builtinPlugins[name]
		}
		if !ok {
			l.warn(WarnUnknownPlugin, it, names[0], p.pos, "Plugin '%s' is not available in trace: rules that need its event source or fields will not load", names[0])
		}
	}
}

// overrides reads the append and override keys of an item: legacy is
// append: true; ops maps keys to "append" or "replace".
func (l *Loader) overrides(n *node, itemType, name string, appendable, replaceable []string) (legacy bool, ops map[string]string) {
	if a := n.get("append"); a != nil {
		legacy = parseBool(a, itemType, name)
	}
	ov := n.get("override")
	if ov == nil {
		if legacy {
			l.warn(WarnDeprecatedItem, itemType, name, n.keyPos("append"),
				"The 'append' key is deprecated. Add an 'append' entry (e.g. 'condition: append') under 'override' instead.")
		}
		return legacy, nil
	}
	if legacy {
		fail(ErrValidate, itemType, name, n.keyPos("override"),
			"Keys 'override' and 'append: true' cannot be used together. Add an 'append' entry (e.g. 'condition: append') under 'override' instead.")
	}
	if ov.kind != kindMap {
		fail(ErrYAMLValidate, itemType, name, ov.pos, "Value is not a map")
	}
	ops = map[string]string{}
	for i, k := range ov.keys {
		op := scalar(ov.vals[i], itemType, name)
		switch op {
		case "append":
			if !slices.Contains(appendable, k) {
				fail(ErrValidate, itemType, name, ov.kpos[i], "Key '%s' cannot be appended to, use 'replace' instead", k)
			}
		case "replace":
			if !slices.Contains(replaceable, k) {
				fail(ErrValidate, itemType, name, ov.kpos[i], "Key '%s' cannot be replaced", k)
			}
		default:
			fail(ErrValidate, itemType, name, ov.vals[i].pos, "Invalid override operation for key '%s': '%s'. Allowed values are: append replace", k, op)
		}
		if !n.has(k) {
			fail(ErrValidate, itemType, name, ov.kpos[i], "An override is specified for key '%s' but the item has no '%s' key", k, k)
		}
		ops[k] = op
	}
	for i, k := range n.keys {
		switch k {
		case itemType, "override", "append":
			continue
		}
		if _, ok := ops[k]; !ok && (slices.Contains(appendable, k) || slices.Contains(replaceable, k)) {
			fail(ErrValidate, itemType, name, n.kpos[i], "Unexpected key '%s': an override must be specified for it (e.g. '%s: append' or '%s: replace')", k, k, k)
		}
	}
	return false, ops
}

var listNameRe = regexp.MustCompile(`^[a-zA-Z0-9.:/_-]+$`)
var macroNameRe = regexp.MustCompile(`^[a-zA-Z_][a-zA-Z0-9_]*$`)

func (l *Loader) list(n *node) {
	name := nameOf(n, "list")
	checkKeys(l, n, "list", name, "list", "items", "append", "override")
	if !listNameRe.MatchString(name) {
		l.warn(WarnInvalidListName, "list", name, n.pos, "List has an invalid name. List names should match a regular expression: %s", listNameRe)
	}
	legacy, ops := l.overrides(n, "list", name, []string{"items"}, []string{"items"})
	itemsNode := required(n, "items", "list", name)
	items := stringSeq(itemsNode, "list", name)
	old := l.listBy[name]
	switch {
	case legacy || ops["items"] == "append":
		if old == nil {
			if legacy {
				fail(ErrValidate, "list", name, n.pos, "List has 'append' key but no list by that name already exists")
			}
			fail(ErrValidate, "list", name, n.pos, "List uses 'append' or 'override.items: append' but no list by that name already exists")
		}
		old.items = append(old.items, items...)
	case ops["items"] == "replace":
		if old == nil {
			fail(ErrValidate, "list", name, n.pos, "An 'override.items: replace' to a list was requested but no list by that name already exists")
		}
		old.items = items
	case old != nil:
		old.items = items
	default:
		d := &listDef{name: name, items: items, pos: n.pos, index: len(l.lists)}
		l.lists = append(l.lists, d)
		l.listBy[name] = d
	}
}

func (l *Loader) macro(n *node) {
	name := nameOf(n, "macro")
	checkKeys(l, n, "macro", name, "macro", "condition", "append", "override")
	if !macroNameRe.MatchString(name) {
		l.warn(WarnInvalidMacroName, "macro", name, n.pos, "Macro has an invalid name. Macro names should match a regular expression: %s", macroNameRe)
	}
	legacy, ops := l.overrides(n, "macro", name, []string{"condition"}, []string{"condition"})
	cn := required(n, "condition", "macro", name)
	cond := scalar(cn, "macro", name)
	l.seq++
	old := l.macBy[name]
	switch {
	case legacy || ops["condition"] == "append":
		if old == nil {
			if legacy {
				fail(ErrValidate, "macro", name, n.pos, "Macro has 'append' key but no macro by that name already exists")
			}
			fail(ErrValidate, "macro", name, n.pos, "Macro uses 'append' or 'override.condition: append' but no macro by that name already exists")
		}
		old.cond += " " + cond
		old.visibility = l.seq
	case ops["condition"] == "replace":
		if old == nil {
			fail(ErrValidate, "macro", name, n.pos, "An 'override.condition: replace' to a macro was requested but no macro by that name already exists")
		}
		old.cond, old.condPos, old.visibility = cond, cn.pos, l.seq
	case old != nil:
		old.cond, old.condPos, old.visibility = cond, cn.pos, l.seq
	default:
		d := &macroDef{name: name, cond: cond, pos: n.pos, condPos: cn.pos, index: l.seq, visibility: l.seq}
		l.macros = append(l.macros, d)
		l.macBy[name] = d
	}
}

var ruleKeys = []string{"rule", "condition", "output", "desc", "priority", "source", "enabled", "tags",
	"exceptions", "warn_evttypes", "skip-if-unknown-filter", "capture", "capture_duration", "append", "override", "required_engine_version"}

var (
	ruleAppendable  = []string{"condition", "output", "desc", "tags", "exceptions"}
	ruleReplaceable = []string{"condition", "output", "desc", "priority", "tags", "exceptions", "enabled",
		"warn_evttypes", "skip-if-unknown-filter", "capture", "capture_duration"}
)

func (l *Loader) sourceOK(s string) bool {
	if l.opts.Sources == nil {
		return s == "syscall"
	}
	return slices.Contains(l.opts.Sources, s)
}

func (l *Loader) rule(n *node) {
	name := nameOf(n, "rule")
	checkKeys(l, n, "rule", name, ruleKeys...)
	source := "syscall"
	if s := n.get("source"); s != nil {
		source = scalar(s, "rule", name)
	}
	if !l.sourceOK(source) {
		l.warn(WarnUnknownSource, "rule", name, n.pos, "Unknown source %s, skipping", source)
		return
	}
	legacy, ops := l.overrides(n, "rule", name, ruleAppendable, ruleReplaceable)
	old := l.ruleBy[name]
	if old != nil && n.has("source") && old.source != source {
		fail(ErrValidate, "rule", name, n.pos, "Rule has been re-defined with a different source")
	}
	if legacy {
		l.appendRule(n, name, old)
		return
	}
	if ops != nil {
		l.overrideRule(n, name, old, ops)
		return
	}
	if n.has("enabled") && !n.has("condition") && !n.has("output") && !n.has("desc") && !n.has("priority") {
		if old == nil {
			fail(ErrValidate, "rule", name, n.pos, "Rule has 'enabled' key but no rule by that name already exists")
		}
		l.warn(WarnDeprecatedItem, "rule", name, n.pos,
			"The standalone 'enabled' key usage is deprecated. The correct approach requires also a 'replace' entry under the 'override' key (i.e. 'enabled: replace').")
		old.enabled = parseBool(n.get("enabled"), "rule", name)
		return
	}
	r := &ruleDef{name: name, pos: n.pos, source: source, enabled: true, warnEvttypes: true}
	cn := required(n, "condition", "rule", name)
	r.cond, r.condPos = scalar(cn, "rule", name), cn.pos
	r.output = strings.TrimSpace(scalar(required(n, "output", "rule", name), "rule", name))
	r.desc = scalar(required(n, "desc", "rule", name), "rule", name)
	pn := required(n, "priority", "rule", name)
	r.priority = l.priority(pn, name)
	l.ruleOptions(n, r)
	if ex := n.get("exceptions"); ex != nil {
		r.exceptions = l.exceptions(ex, name, false)
	}
	if old != nil {
		r.index = old.index
		*old = *r
		return
	}
	r.index = len(l.rules)
	l.rules = append(l.rules, r)
	l.ruleBy[name] = r
}

func (l *Loader) priority(n *node, name string) Priority {
	p, err := ParsePriority(scalar(n, "rule", name))
	if err != nil {
		fail(ErrYAMLValidate, "rule", name, n.pos, "Invalid priority")
	}
	return p
}

// ruleOptions reads the optional keys every definition or replace may
// set.
func (l *Loader) ruleOptions(n *node, r *ruleDef) {
	if v := n.get("enabled"); v != nil {
		r.enabled = parseBool(v, "rule", r.name)
	}
	if v := n.get("warn_evttypes"); v != nil {
		r.warnEvttypes = parseBool(v, "rule", r.name)
	}
	if v := n.get("skip-if-unknown-filter"); v != nil {
		r.skipUnknown = parseBool(v, "rule", r.name)
	}
	if v := n.get("capture"); v != nil {
		parseBool(v, "rule", r.name)
	}
	if v := n.get("capture_duration"); v != nil {
		if _, err := strconv.ParseUint(scalar(v, "rule", r.name), 10, 64); err != nil {
			fail(ErrYAMLValidate, "rule", r.name, v.pos, "Can't decode YAML scalar value")
		}
	}
	if v := n.get("tags"); v != nil {
		r.tags = tagSet(stringSeq(v, "rule", r.name))
	}
}

func tagSet(tags []string) []string {
	if len(tags) == 0 {
		return nil
	}
	s := append([]string(nil), tags...)
	sort.Strings(s)
	out := s[:1]
	for _, t := range s[1:] {
		if t != out[len(out)-1] {
			out = append(out, t)
		}
	}
	return out
}

func (l *Loader) appendRule(n *node, name string, old *ruleDef) {
	if !n.has("condition") && !n.has("exceptions") {
		fail(ErrValidate, "rule", name, n.pos, "Appended rule must have exceptions or condition property")
	}
	if old == nil {
		fail(ErrValidate, "rule", name, n.pos, "Rule has 'append' key but no rule by that name already exists")
	}
	ops := map[string]string{}
	for _, k := range ruleAppendable {
		if n.has(k) {
			ops[k] = "append"
		}
	}
	l.applyRule(n, old, ops)
}

func (l *Loader) overrideRule(n *node, name string, old *ruleDef, ops map[string]string) {
	if old == nil {
		keys := make([]string, 0, len(ops))
		for k := range ops {
			keys = append(keys, k)
		}
		sort.Slice(keys, func(i, j int) bool {
			// Report appends first, as they are checked first.
			if ops[keys[i]] != ops[keys[j]] {
				return ops[keys[i]] == "append"
			}
			return keys[i] < keys[j]
		})
		k := keys[0]
		if ops[k] == "append" {
			fail(ErrValidate, "rule", name, n.pos, "Rule uses 'append' or 'override.%s: append' but no rule by that name already exists", k)
		}
		fail(ErrValidate, "rule", name, n.pos, "An 'override.%s: replace' to a rule was requested but no rule by that name already exists", k)
	}
	l.applyRule(n, old, ops)
}

// applyRule applies appends and replaces to an existing rule.
func (l *Loader) applyRule(n *node, r *ruleDef, ops map[string]string) {
	str := func(k string) string { return scalar(n.get(k), "rule", r.name) }
	for _, k := range ruleReplaceable {
		op, ok := ops[k]
		if !ok {
			continue
		}
		switch k {
		case "condition":
			if op == "append" {
				r.cond += " " + str(k)
			} else {
				r.cond, r.condPos = str(k), n.get(k).pos
			}
		case "output":
			if op == "append" {
				r.output = strings.TrimSpace(r.output + " " + str(k))
			} else {
				r.output = strings.TrimSpace(str(k))
			}
		case "desc":
			if op == "append" {
				r.desc += " " + str(k)
			} else {
				r.desc = str(k)
			}
		case "priority":
			r.priority = l.priority(n.get(k), r.name)
		case "tags":
			t := stringSeq(n.get(k), "rule", r.name)
			if op == "append" {
				t = append(append([]string(nil), r.tags...), t...)
			}
			r.tags = tagSet(t)
		case "exceptions":
			if op == "append" {
				l.appendExceptions(n.get(k), r)
			} else {
				r.exceptions = l.exceptions(n.get(k), r.name, false)
			}
		case "enabled":
			r.enabled = parseBool(n.get(k), "rule", r.name)
		case "warn_evttypes":
			r.warnEvttypes = parseBool(n.get(k), "rule", r.name)
		case "skip-if-unknown-filter":
			r.skipUnknown = parseBool(n.get(k), "rule", r.name)
		case "capture":
			parseBool(n.get(k), "rule", r.name)
		case "capture_duration":
			if _, err := strconv.ParseUint(str(k), 10, 64); err != nil {
				fail(ErrYAMLValidate, "rule", r.name, n.get(k).pos, "Can't decode YAML scalar value")
			}
		}
	}
}

// exceptions reads a rule's exceptions list.
func (l *Loader) exceptions(n *node, rule string, appending bool) []*exceptionDef {
	if n.kind == kindNull {
		return nil
	}
	if n.kind != kindSeq {
		fail(ErrYAMLValidate, "rule", rule, n.pos, "Rules exceptions must be a sequence")
	}
	var out []*exceptionDef
	seen := map[string]bool{}
	for _, en := range n.items {
		if en.kind != kindMap {
			fail(ErrYAMLValidate, "exception", "", en.pos, "Unexpected element type. Each element should be a yaml associative array.")
		}
		name := scalar(required(en, "name", "exception", ""), "exception", "")
		checkKeys(l, en, "exception", name, "name", "fields", "comps", "values")
		if seen[name] {
			l.warn(WarnExceptionNotUnique, "exception", name, en.pos, "Multiple definitions of exception '%s' in the same rule", name)
		}
		seen[name] = true
		e := &exceptionDef{name: name, pos: en.pos}
		if f := en.get("fields"); f != nil {
			e.hasFields = true
			if f.kind == kindSeq {
				e.fieldsList = true
				e.fields = stringSeq(f, "exception", name)
			} else {
				e.fields = []string{scalar(f, "exception", name)}
			}
		} else if !appending {
			fail(ErrYAMLValidate, "exception", name, en.pos, "Item has no mapping for key 'fields'")
		}
		if c := en.get("comps"); c != nil {
			e.hasComps = true
			if c.kind == kindSeq {
				e.compsList = true
				e.comps = stringSeq(c, "exception", name)
			} else {
				e.comps = []string{scalar(c, "exception", name)}
			}
		}
		if v := en.get("values"); v != nil {
			e.hasValues = true
			if v.kind != kindSeq && v.kind != kindNull {
				fail(ErrYAMLValidate, "exception", name, v.pos, "Value is not a sequence")
			}
			e.values = v.items
		}
		out = append(out, e)
	}
	return out
}

func (l *Loader) appendExceptions(n *node, r *ruleDef) {
	for _, e := range l.exceptions(n, r.name, true) {
		var old *exceptionDef
		for _, o := range r.exceptions {
			if o.name == e.name {
				old = o
				break
			}
		}
		if old != nil {
			if e.hasFields {
				fail(ErrValidate, "exception", e.name, e.pos, "Can not append exception fields to existing exception, only values")
			}
			if e.hasComps {
				fail(ErrValidate, "exception", e.name, e.pos, "Can not append exception comps to existing exception, only values")
			}
			if len(e.values) == 0 {
				l.warn(WarnAppendNoValues, "exception", e.name, e.pos, "Overriding/appending exception with no values")
			}
			old.values = append(old.values, e.values...)
			old.hasValues = old.hasValues || e.hasValues
			continue
		}
		if !e.hasFields {
			fail(ErrValidate, "exception", e.name, e.pos, "Rule exception must have fields property with a list of fields")
		}
		if !e.hasValues {
			fail(ErrValidate, "exception", e.name, e.pos, "Rule exception must have values property with a list of values")
		}
		r.exceptions = append(r.exceptions, e)
	}
}
