package rules

import (
	"fmt"
	"io"
	"strings"
)

// Report prints a load's errors on w, each line starting with prog, and
// ends with their count; without errors it prints the warnings when
// verbose, or else how many there are. It returns r.OK().
func (r *Result) Report(w io.Writer, prog string, verbose bool) bool {
	if !r.OK() {
		for _, m := range r.Errors() {
			fmt.Fprintf(w, "%s: %s\n", prog, m)
		}
		fmt.Fprintf(w, "%s: could not load rules: %d error(s)\n", prog, len(r.Errors()))
		for _, m := range r.Errors() {
			if s := m.String(); strings.Contains(s, "Undefined macro") || strings.Contains(s, "Undefined list") {
				fmt.Fprintf(w, "%s: hint: rules written for Falco's default rules need them loaded first: --rules falco_rules.yaml --rules FILE\n", prog)
				break
			}
		}
		return false
	}
	ws := r.Warnings()
	switch {
	case len(ws) == 0:
	case verbose:
		for _, m := range ws {
			fmt.Fprintf(w, "%s: %s\n", prog, m)
		}
	default:
		fmt.Fprintf(w, "%s: rules loaded with %d warning(s); %s --validate FILE lists them\n", prog, len(ws), prog)
	}
	return true
}
