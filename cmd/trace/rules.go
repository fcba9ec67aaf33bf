package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"
	"strconv"

	"github.com/traceproj/trace/internal/cli"
	"github.com/traceproj/trace/rules"
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
	alertsQueue string   // --alerts-http-queue N
	ISO8601     bool     // --iso8601
	Matching    string   // --rule-matching first|all
	// AppendOutput are --append-output entries (Falco's append_output).
	AppendOutput []string
}

// loadOptions turns the flags into the rules loader's options.
func (r *rulesOptions) loadOptions() (rules.Options, error) {
	lo := rules.DefaultOptions()
	p, err := rules.ParsePriority(r.MinPriority)
	if err != nil {
		return lo, cli.Exitf("trace: invalid --min-priority %q (use emergency, alert, critical, error, warning, notice, info or debug)", r.MinPriority)
	}
	lo.MinPriority = p
	if r.alertsQueue != "" {
		if n, err := strconv.Atoi(r.alertsQueue); err != nil || n <= 0 || n > 1<<20 {
			return lo, cli.Exitf("trace: invalid --alerts-http-queue %q (a number of alerts, 1 to 1048576)", r.alertsQueue)
		}
	}
	for _, s := range r.AppendOutput {
		a, err := rules.ParseAppendOutput(s)
		if err != nil {
			return lo, cli.Exitf("trace: --append-output: %v", err)
		}
		lo.AppendOutput = append(lo.AppendOutput, a)
	}
	return lo, nil
}

func (r *rulesOptions) selection() (rules.Selection, error) {
	sel := rules.Selection{Disable: r.Disable, DisableTags: r.DisableTags, EnableTags: r.EnableTags}
	switch r.Matching {
	case "first":
	case "all":
		sel.MatchAll = true
	default:
		return sel, cli.Exitf("trace: invalid --rule-matching %q (use first or all)", r.Matching)
	}
	if len(sel.DisableTags) > 0 && len(sel.EnableTags) > 0 {
		return sel, cli.Exitf("trace: %v", rules.ErrTagSelection)
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
	if !res.Report(stderr, "trace", o.Verbose) {
		return nil
	}
	return rs
}

// rulesCommand handles --validate and --list-rules, which read no events.
func rulesCommand(o *Options, out *bufio.Writer, stderr io.Writer) (int, bool) {
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
			rs.WriteJSON(out)
		} else {
			rs.WriteTable(out)
		}
		return 0, true
	}
	return 0, false
}

// newAlerter builds the rules' sink of the run, or nil without --rules.
func newAlerter(ctx context.Context, o *Options, out *bufio.Writer, stderr io.Writer) (*rules.Alerter, error) {
	if len(o.Rules) == 0 {
		return nil, nil
	}
	sel, err := o.RulesOpts.selection()
	if err != nil {
		return nil, err
	}
	rs := loadRules(o, o.Rules, stderr)
	if rs == nil {
		return nil, &cli.ExitError{Code: 1} // reported
	}
	eng, err := rules.NewEngine(rs, sel)
	if err != nil {
		return nil, cli.Exitf("trace: %v", err)
	}
	for _, p := range eng.Unmatched {
		fmt.Fprintf(stderr, "trace: --disable-rule %q matches no rule\n", p)
	}
	host := os.Getenv("FALCO_HOSTNAME")
	if host == "" {
		host, _ = os.Hostname()
	}
	ao := rules.AlerterOptions{Out: out, Stderr: stderr, AllEvents: o.RulesOpts.AllEvents,
		Format:      rules.AlertFormat{JSON: o.JSON, ISO8601: o.RulesOpts.ISO8601, Hostname: host},
		Interrupted: func() bool { return ctx.Err() != nil }}
	if o.RulesOpts.AlertsHTTP != "" {
		ao.HTTP = rules.NewHTTPSender(o.RulesOpts.AlertsHTTP, rules.HTTPOptions{
			// A file can wait for the endpoint; a live capture cannot.
			Block:     len(o.ReadFiles) > 0,
			QueueSize: atoiOr(o.RulesOpts.alertsQueue, 0),
			Report:    func(msg string) { fmt.Fprintf(stderr, "trace: --alerts-http: %s\n", msg) },
		})
	}
	return rules.NewAlerter(eng, ao), nil
}

// atoiOr is the number in s, or def when s is empty or not a number
// (flags are checked where they are parsed).
func atoiOr(s string, def int) int {
	if n, err := strconv.Atoi(s); err == nil {
		return n
	}
	return def
}
