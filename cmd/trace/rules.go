package main

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"
	"time"

	"github.com/spf13/pflag"
	"github.com/traceproj/trace/fields"
	"github.com/traceproj/trace/rules"
	"github.com/traceproj/trace/scap"
	"github.com/traceproj/trace/state"
)

// rulesOptions are the flags of Falco-style rules besides --rules.
type rulesOptions struct {
	Disable     []string // --disable-rule (glob)
	DisableTags []string // --disable-tag
	EnableTags  []string // --enable-tag
	MinPriority string   // --min-priority
	AllEvents   bool     // --all-events (Falco's -A)
	Validate    []string // --validate
	ListRules   bool     // --list-rules
	AlertsHTTP  string   // --alerts-http URL
	ISO8601     bool     // --iso8601
	Matching    string   // --rule-matching first|all
}

func (r *rulesOptions) addFlags(fs *pflag.FlagSet) {
	fs.StringArrayVar(&r.Disable, "disable-rule", nil, "")
	fs.StringArrayVar(&r.DisableTags, "disable-tag", nil, "")
	fs.StringArrayVar(&r.EnableTags, "enable-tag", nil, "")
	fs.StringVar(&r.MinPriority, "min-priority", "debug", "")
	fs.BoolVar(&r.AllEvents, "all-events", false, "")
	fs.StringArrayVar(&r.Validate, "validate", nil, "")
	fs.BoolVar(&r.ListRules, "list-rules", false, "")
	fs.StringVar(&r.AlertsHTTP, "alerts-http", "", "")
	fs.BoolVar(&r.ISO8601, "iso8601", false, "")
	fs.StringVar(&r.Matching, "rule-matching", "first", "")
}

func init() {
	consumerFactories = append(consumerFactories, newRulesConsumer)
	standaloneCommands = append(standaloneCommands, rulesCommand)
}

// loadOptions turns the flags into the rules loader's options.
func (r *rulesOptions) loadOptions() (rules.Options, error) {
	lo := rules.DefaultOptions()
	p, err := rules.ParsePriority(r.MinPriority)
	if err != nil {
		return lo, errorf("trace: invalid --min-priority %q (use emergency, alert, critical, error, warning, notice, info or debug)", r.MinPriority)
	}
	lo.MinPriority = p
	return lo, nil
}

func (r *rulesOptions) selection() (rules.Selection, error) {
	sel := rules.Selection{Disable: r.Disable, DisableTags: r.DisableTags, EnableTags: r.EnableTags}
	switch r.Matching {
	case "first":
	case "all":
		sel.MatchAll = true
	default:
		return sel, errorf("trace: invalid --rule-matching %q (use first or all)", r.Matching)
	}
	if len(sel.DisableTags) > 0 && len(sel.EnableTags) > 0 {
		return sel, errorf("trace: %v", rules.ErrTagSelection)
	}
	return sel, nil
}

// loadRules loads the rule files, printing errors (and warnings when
// verbose, or a count of them) on stderr. It returns nil when the load
// failed.
func loadRules(o *Options, paths []string, stderr io.Writer) *rules.Ruleset {
	lo, err := o.RulesOpts.loadOptions()
	if err != nil {
		fmt.Fprintln(stderr, err)
		return nil
	}
	rs, res := rules.Load(paths, lo)
	if !res.OK() {
		for _, m := range res.Errors() {
			fmt.Fprintf(stderr, "trace: %s\n", m)
		}
		fmt.Fprintf(stderr, "trace: could not load rules: %d error(s)\n", len(res.Errors()))
		return nil
	}
	if ws := res.Warnings(); len(ws) > 0 {
		if o.Verbose {
			for _, m := range ws {
				fmt.Fprintf(stderr, "trace: %s\n", m)
			}
		} else {
			fmt.Fprintf(stderr, "trace: rules loaded with %d warning(s); trace --validate FILE lists them\n", len(ws))
		}
	}
	return rs
}

// rulesCommand handles --validate and --list-rules, which read no events.
func rulesCommand(o *Options, out *bufio.Writer, stderr *os.File) (int, bool) {
	ro := &o.RulesOpts
	switch {
	case len(ro.Validate) > 0:
		lo, err := ro.loadOptions()
		if err != nil {
			fmt.Fprintln(stderr, err)
			return 1, true
		}
		_, res := rules.Load(ro.Validate, lo)
		if o.JSON {
			res.WriteJSON(out)
		} else {
			res.WriteSummary(out)
		}
		if !res.OK() {
			return 1, true
		}
		return 0, true
	case ro.ListRules:
		if len(o.Rules) == 0 {
			fmt.Fprintln(stderr, "trace: --list-rules needs --rules PATH")
			return 1, true
		}
		out.Flush()
		rs := loadRules(o, o.Rules, stderr)
		if rs == nil {
			return 1, true
		}
		if o.JSON {
			writeRulesJSON(out, rs)
		} else {
			writeRulesTable(out, rs)
		}
		return 0, true
	}
	return 0, false
}

func writeRulesTable(w io.Writer, rs *rules.Ruleset) {
	width := len("Rule")
	for _, r := range rs.Rules {
		width = max(width, len(r.Name))
	}
	fmt.Fprintf(w, "%-*s  %-13s  %-7s  %s\n", width, "Rule", "Priority", "Enabled", "Tags")
	fmt.Fprintf(w, "%-*s  %-13s  %-7s  %s\n", width, "----", "--------", "-------", "----")
	for _, r := range rs.Rules {
		en := "yes"
		if !r.Enabled {
			en = "no"
		}
		fmt.Fprintf(w, "%-*s  %-13s  %-7s  %s\n", width, r.Name, r.Priority, en, strings.Join(r.Tags, ","))
	}
}

func writeRulesJSON(w io.Writer, rs *rules.Ruleset) {
	type jr struct {
		Name       string   `json:"name"`
		Desc       string   `json:"desc"`
		Priority   string   `json:"priority"`
		Source     string   `json:"source"`
		Enabled    bool     `json:"enabled"`
		Tags       []string `json:"tags"`
		Condition  string   `json:"condition"`
		Output     string   `json:"output"`
		EventTypes []string `json:"event_types"`
	}
	list := []jr{}
	for _, r := range rs.Rules {
		tags := r.Tags
		if tags == nil {
			tags = []string{}
		}
		et := r.EventTypeNames()
		if et == nil {
			et = []string{"all"}
		}
		list = append(list, jr{r.Name, r.Desc, r.Priority.String(), r.Source, r.Enabled, tags, r.Condition, r.Output, et})
	}
	b, _ := json.Marshal(list)
	w.Write(append(b, '\n'))
}

// falcoSkipped are the event types Falco ignores in live captures
// unless -A is given: high-rate I/O, polling, memory and scheduling
// events that no default rule looks at.
var falcoSkipped = func() []bool {
	skip := make([]bool, scap.NumEvents029)
	for _, name := range []string{
		"read", "write", "readv", "writev", "pread", "pwrite", "preadv", "pwritev",
		"poll", "ppoll", "select", "epoll_wait", "futex", "nanosleep", "lseek", "llseek",
		"fstat", "fstat64", "stat", "stat64", "lstat", "lstat64", "getdents", "getdents64",
		"mmap", "mmap2", "munmap", "mprotect", "brk", "sched_yield", "getrlimit",
		"switch", "page_fault", "signaldeliver", "procinfo",
	} {
		for _, t := range fields.EventTypesNamed(name) {
			if t != scap.PPME_GENERIC_E && t != scap.PPME_GENERIC_X {
				skip[t] = true
			}
		}
	}
	return skip
}()

// rulesConsumer evaluates the rules on every event and prints alerts.
type rulesConsumer struct {
	eng       *rules.Engine
	out       *bufio.Writer
	stderr    io.Writer
	af        rules.AlertFormat
	http      *rules.HTTPSender
	live      bool
	allEvents bool
	ctx       *fields.Ctx
	buf, jbuf []byte
	fire      func(r *rules.Rule)
	counts    map[*rules.Rule]int64
	order     []*rules.Rule
	total     int64
	err       error
}

func newRulesConsumer(o *Options, s *session) (consumer, error) {
	if len(o.Rules) == 0 {
		return nil, nil
	}
	sel, err := o.RulesOpts.selection()
	if err != nil {
		return nil, err
	}
	rs := loadRules(o, o.Rules, s.stderr)
	if rs == nil {
		return nil, &usageError{msg: "trace: no events processed", code: 1}
	}
	eng, err := rules.NewEngine(rs, sel)
	if err != nil {
		return nil, errorf("trace: %v", err)
	}
	for _, p := range eng.Unmatched {
		fmt.Fprintf(s.stderr, "trace: --disable-rule %q matches no rule\n", p)
	}
	host := os.Getenv("FALCO_HOSTNAME")
	if host == "" {
		host, _ = os.Hostname()
	}
	c := &rulesConsumer{eng: eng, out: s.out, stderr: s.stderr, allEvents: o.RulesOpts.AllEvents,
		af:     rules.AlertFormat{JSON: o.JSON, ISO8601: o.RulesOpts.ISO8601, Hostname: host},
		counts: map[*rules.Rule]int64{}}
	if o.RulesOpts.AlertsHTTP != "" {
		c.http = rules.NewHTTPSender(o.RulesOpts.AlertsHTTP, rules.HTTPOptions{})
	}
	c.fire = c.alert
	return c, nil
}

func (c *rulesConsumer) Start(md *scap.Metadata, eng *state.Engine, live bool) error {
	c.live = live
	return nil
}

func (c *rulesConsumer) Event(ctx *fields.Ctx) error {
	if c.live && !c.allEvents {
		if t := int(ctx.Ev.Type); t < len(falcoSkipped) && falcoSkipped[t] {
			return nil
		}
	}
	c.ctx = ctx
	c.eng.Match(ctx, c.fire)
	if c.err != nil {
		return c.err
	}
	return nil
}

func (c *rulesConsumer) alert(r *rules.Rule) {
	c.buf = r.AppendAlert(c.buf[:0], c.ctx, &c.af)
	if _, err := c.out.Write(c.buf); err != nil && c.err == nil {
		c.err = err
	}
	if c.live {
		c.out.Flush()
	}
	if c.http != nil {
		body := c.buf[:len(c.buf)-1]
		if !c.af.JSON {
			c.jbuf = r.AppendJSON(c.jbuf[:0], c.ctx, &c.af)
			body = c.jbuf
		}
		c.http.Send(body)
	}
	if c.counts[r] == 0 {
		c.order = append(c.order, r)
	}
	c.counts[r]++
	c.total++
}

func (c *rulesConsumer) End() error {
	err := c.out.Flush()
	if c.http != nil {
		st := c.http.Close(10 * time.Second)
		if st.Dropped > 0 {
			fmt.Fprintf(c.stderr, "trace: --alerts-http: %d of %d alerts dropped (last error: %s)\n",
				st.Dropped, st.Dropped+st.Sent, st.LastError)
		}
	}
	c.summary(c.stderr)
	if err != nil && !errors.Is(err, os.ErrClosed) {
		return err
	}
	return nil
}

// summary prints Falco's end-of-run statistics.
func (c *rulesConsumer) summary(w io.Writer) {
	fmt.Fprintf(w, "Events detected: %d\n", c.total)
	fmt.Fprintln(w, "Rule counts by severity:")
	bySev := map[rules.Priority]int64{}
	for r, n := range c.counts {
		bySev[r.Priority] += n
	}
	for p := rules.Emergency; p <= rules.Debug; p++ {
		if n := bySev[p]; n > 0 {
			fmt.Fprintf(w, "   %s: %d\n", p.Short(), n)
		}
	}
	fmt.Fprintln(w, "Triggered rules by rule name:")
	rs := append([]*rules.Rule(nil), c.order...)
	sort.SliceStable(rs, func(i, j int) bool { return rs[i].Index < rs[j].Index })
	for _, r := range rs {
		fmt.Fprintf(w, "   %s: %d\n", r.Name, c.counts[r])
	}
}
