package rules

import (
	"errors"
	"fmt"
	"strings"

	"github.com/traceproj/trace/fields"
	"github.com/traceproj/trace/internal/fnmatch"
	"github.com/traceproj/trace/scap"
)

// Selection chooses which loaded rules run.
type Selection struct {
	// Disable lists rule name patterns (globs; without wildcards an
	// exact name) to disable.
	Disable []string
	// DisableTags disables the rules having any of these tags.
	DisableTags []string
	// EnableTags, when set, runs only the rules having one of these tags.
	EnableTags []string
	// MatchAll fires every matching rule for an event (Falco's
	// rule_matching: all) instead of the first one in load order.
	MatchAll bool
}

// ErrTagSelection is returned when tags are both enabled and disabled.
var ErrTagSelection = errors.New("--enable-tag and --disable-tag cannot be used together")

// Engine evaluates the enabled rules of a ruleset on events. An Engine
// is not safe for concurrent use.
type Engine struct {
	// Active are the rules that run, in load order.
	Active []*Rule
	// byType[t] lists the active rules that can match events of type t,
	// in load order.
	byType   [][]*Rule
	matchAll bool
	// Unmatched are the Disable patterns that matched no rule.
	Unmatched []string
}

func globOrName(pat, name string) bool {
	if strings.ContainsAny(pat, "*?[") {
		return fnmatch.Match(pat, name, false)
	}
	return pat == name
}

func hasAny(tags, want []string) bool {
	for _, t := range tags {
		for _, w := range want {
			if t == w {
				return true
			}
		}
	}
	return false
}

// NewEngine selects the rules of rs that run and indexes them by event
// type.
func NewEngine(rs *Ruleset, sel Selection) (*Engine, error) {
	if len(sel.DisableTags) > 0 && len(sel.EnableTags) > 0 {
		return nil, ErrTagSelection
	}
	e := &Engine{byType: make([][]*Rule, scap.NumEventsAll), matchAll: sel.MatchAll}
	used := make([]bool, len(sel.Disable))
	for _, r := range rs.Rules {
		on := r.Enabled
		for i, p := range sel.Disable {
			if globOrName(p, r.Name) {
				used[i] = true
				on = false
			}
		}
		if len(sel.DisableTags) > 0 && hasAny(r.Tags, sel.DisableTags) {
			on = false
		}
		if len(sel.EnableTags) > 0 && !hasAny(r.Tags, sel.EnableTags) {
			on = false
		}
		if !on {
			continue
		}
		e.Active = append(e.Active, r)
		for t := range e.byType {
			if syscallEnter(uint16(t)) {
				continue
			}
			if r.types == nil || r.types[t] {
				e.byType[t] = append(e.byType[t], r)
			}
		}
	}
	for i, p := range sel.Disable {
		if !used[i] {
			e.Unmatched = append(e.Unmatched, p)
		}
	}
	return e, nil
}

// syscallEnter reports whether t is the enter event of a system call:
// current Falco sees each call once, at its exit (carrying the enter's
// parameters: current libs fold the enter into it), so rules are not
// evaluated on enters.
func syscallEnter(t uint16) bool {
	info := scap.InfoAny(t)
	return info != nil && info.Dir == scap.DirEnter && info.Category&scap.EC_SYSCALL != 0
}

// Candidates returns the active rules that can match events of type t.
func (e *Engine) Candidates(t uint16) []*Rule {
	if int(t) >= len(e.byType) {
		return nil
	}
	return e.byType[t]
}

// Match offers the event in c to its candidate rules in load order and
// calls fire for the first that matches (every one with MatchAll). It
// returns the number of rules that fired.
func (e *Engine) Match(c *fields.Ctx, fire func(r *Rule)) int {
	n := 0
	for _, r := range e.Candidates(c.Ev.Type) {
		if r.filter.Match(c) {
			fire(r)
			n++
			if !e.matchAll {
				break
			}
		}
	}
	return n
}

// String describes the engine in one line.
func (e *Engine) String() string {
	return fmt.Sprintf("%d active rules", len(e.Active))
}
