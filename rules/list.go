package rules

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
)

// WriteTable lists the rules as a table: name, priority, enabled, tags.
func (rs *Ruleset) WriteTable(w io.Writer) {
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

// WriteJSON lists the rules as one JSON array.
func (rs *Ruleset) WriteJSON(w io.Writer) {
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
