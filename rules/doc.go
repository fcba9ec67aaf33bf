// Package rules is trace's Falco-compatible rule engine: it loads Falco
// rules files (lists, macros, rules, exceptions, append and override),
// compiles every rule condition once with package filter, indexes the
// rules by the event types they can match, and turns matching events
// into alerts rendered as Falco prints them (text or JSON), optionally
// posted to an HTTP endpoint.
//
// The language is specified in shared/spec/RULES.md. Loading is split in
// two phases as in Falco: files are read and their items collected in
// command-line order (appends and overrides apply as items arrive), then
// lists are flattened, macros resolved and rules compiled.
package rules
