package rules

import (
	"fmt"
	"strings"
)

// Priority is a rule's severity, 0 (Emergency) to 7 (Debug): a smaller
// value is more severe.
type Priority int

// Priorities, most severe first.
const (
	Emergency Priority = iota
	Alert
	Critical
	Error
	Warning
	Notice
	Informational
	Debug
)

var priorityNames = [...]string{"Emergency", "Alert", "Critical", "Error", "Warning", "Notice", "Informational", "Debug"}

// String returns the canonical name printed in alerts ("Informational").
func (p Priority) String() string {
	if p >= 0 && int(p) < len(priorityNames) {
		return priorityNames[p]
	}
	return fmt.Sprintf("Priority(%d)", int(p))
}

// Short returns the upper-case short name Falco's statistics use
// ("INFO", "WARNING").
func (p Priority) Short() string {
	if p == Informational {
		return "INFO"
	}
	return strings.ToUpper(p.String())
}

// ParsePriority parses a priority name, case-insensitively; "info" is
// Informational.
func ParsePriority(s string) (Priority, error) {
	l := strings.ToLower(strings.TrimSpace(s))
	if l == "info" {
		return Informational, nil
	}
	for i, n := range priorityNames {
		if strings.ToLower(n) == l {
			return Priority(i), nil
		}
	}
	return 0, fmt.Errorf("Invalid priority")
}
