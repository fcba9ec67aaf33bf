package rules

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
)

// Code is a Falco load result code (LOAD_ERR_* for errors, LOAD_* for
// warnings).
type Code string

// Error codes.
const (
	ErrFileRead         Code = "LOAD_ERR_FILE_READ"
	ErrYAMLParse        Code = "LOAD_ERR_YAML_PARSE"
	ErrYAMLValidate     Code = "LOAD_ERR_YAML_VALIDATE"
	ErrCompileCondition Code = "LOAD_ERR_COMPILE_CONDITION"
	ErrCompileOutput    Code = "LOAD_ERR_COMPILE_OUTPUT"
	ErrValidate         Code = "LOAD_ERR_VALIDATE"
	ErrExtension        Code = "LOAD_ERR_EXTENSION"
)

// Warning codes.
const (
	WarnUnknownSource      Code = "LOAD_UNKNOWN_SOURCE"
	WarnUnsafeNACheck      Code = "LOAD_UNSAFE_NA_CHECK"
	WarnNoEvttype          Code = "LOAD_NO_EVTTYPE"
	WarnUnknownFilter      Code = "LOAD_UNKNOWN_FILTER"
	WarnUnusedMacro        Code = "LOAD_UNUSED_MACRO"
	WarnUnusedList         Code = "LOAD_UNUSED_LIST"
	WarnUnknownItem        Code = "LOAD_UNKNOWN_ITEM"
	WarnDeprecatedItem     Code = "LOAD_DEPRECATED_ITEM"
	WarnExtension          Code = "LOAD_WARNING_EXTENSION"
	WarnAppendNoValues     Code = "LOAD_APPEND_NO_VALUES"
	WarnExceptionNotUnique Code = "LOAD_EXCEPTION_NAME_NOT_UNIQUE"
	WarnInvalidMacroName   Code = "LOAD_INVALID_MACRO_NAME"
	WarnInvalidListName    Code = "LOAD_INVALID_LIST_NAME"
	WarnCompileCondition   Code = "LOAD_COMPILE_CONDITION"
	WarnUnknownKey         Code = "LOAD_UNKNOWN_KEY"
	WarnUnknownPlugin      Code = "LOAD_UNKNOWN_PLUGIN"
	// WarnSkippedFile is trace's: an entry of a rules directory that is
	// not a regular file (Falco skips those without a word).
	WarnSkippedFile Code = "LOAD_SKIPPED_FILE"
)

var codeDesc = map[Code]string{
	ErrFileRead:            "File read error",
	ErrYAMLParse:           "YAML parse error",
	ErrYAMLValidate:        "Error validating internal structure of YAML file",
	ErrCompileCondition:    "Error compiling condition",
	ErrCompileOutput:       "Error compiling output",
	ErrValidate:            "Error validating rule/macro/list/exception objects",
	ErrExtension:           "Error in extension item",
	WarnUnknownSource:      "Unknown source in rule",
	WarnUnsafeNACheck:      "Unsafe <NA> comparison in condition",
	WarnNoEvttype:          "Condition has no event-type restriction",
	WarnUnknownFilter:      "Unknown field or event-type in condition or output",
	WarnUnusedMacro:        "Unused macro",
	WarnUnusedList:         "Unused list",
	WarnUnknownItem:        "Unknown rules file item",
	WarnDeprecatedItem:     "Used deprecated item",
	WarnExtension:          "Warning in extension item",
	WarnAppendNoValues:     "Overriding/appending with no values",
	WarnExceptionNotUnique: "Multiple exceptions defined with the same name",
	WarnInvalidMacroName:   "Invalid macro name",
	WarnInvalidListName:    "Invalid list name",
	WarnCompileCondition:   "Condition has compilation warnings",
	WarnUnknownKey:         "Unknown key in item",
	WarnUnknownPlugin:      "Plugin requirement not satisfied by trace",
	WarnSkippedFile:        "Entry of a rules directory skipped",
}

// Desc returns the code's description, as Falco prints it.
func (c Code) Desc() string { return codeDesc[c] }

// IsError reports whether the code is an error (the load fails).
func (c Code) IsError() bool { return strings.HasPrefix(string(c), "LOAD_ERR_") }

// Message is one load error or warning.
type Message struct {
	Code Code
	Text string
	// ItemType is "rule", "macro", "list", "exception",
	// "required_engine_version", "rules content", ...
	ItemType string
	ItemName string
	// Pos is where the item (or its offending key) is.
	Pos Pos
	// Cond, when set, is the condition text a condition error refers to
	// and CondPos the byte offset in it.
	Cond    string
	CondPos int
}

// String renders the message on one line:
// FILE:LINE:COL: error: rule 'x': LOAD_ERR_... (desc): text
func (m *Message) String() string {
	var b strings.Builder
	if m.Pos.File != "" {
		b.WriteString(m.Pos.String())
		b.WriteString(": ")
	}
	if m.Code.IsError() {
		b.WriteString("error: ")
	} else {
		b.WriteString("warning: ")
	}
	if m.ItemType != "" {
		b.WriteString(m.ItemType)
		if m.ItemName != "" {
			fmt.Fprintf(&b, " '%s'", m.ItemName)
		}
		b.WriteString(": ")
	}
	fmt.Fprintf(&b, "%s (%s): %s", m.Code, m.Code.Desc(), m.Text)
	return b.String()
}

// FileResult is the outcome of loading one file.
type FileResult struct {
	Name     string
	Errors   []*Message
	Warnings []*Message
}

// Successful reports whether the file loaded without errors.
func (r *FileResult) Successful() bool { return len(r.Errors) == 0 }

// Result is the outcome of loading all files.
type Result struct {
	Files []*FileResult
}

// OK reports whether every file loaded.
func (r *Result) OK() bool {
	for _, f := range r.Files {
		if !f.Successful() {
			return false
		}
	}
	return true
}

// Errors returns every error, file by file.
func (r *Result) Errors() []*Message {
	var out []*Message
	for _, f := range r.Files {
		out = append(out, f.Errors...)
	}
	return out
}

// Warnings returns every warning, file by file.
func (r *Result) Warnings() []*Message {
	var out []*Message
	for _, f := range r.Files {
		out = append(out, f.Warnings...)
	}
	return out
}

func (r *Result) file(name string) *FileResult {
	for _, f := range r.Files {
		if f.Name == name {
			return f
		}
	}
	if len(r.Files) == 0 {
		r.Files = append(r.Files, &FileResult{Name: name})
	}
	return r.Files[len(r.Files)-1]
}

func (r *Result) add(m *Message) {
	f := r.file(m.Pos.File)
	if m.Code.IsError() {
		f.Errors = append(f.Errors, m)
	} else {
		f.Warnings = append(f.Warnings, m)
	}
}

// WriteText prints every message, one per line, errors first.
func (r *Result) WriteText(w io.Writer) error {
	for _, f := range r.Files {
		for _, m := range f.Errors {
			if _, err := fmt.Fprintln(w, m); err != nil {
				return err
			}
		}
		for _, m := range f.Warnings {
			if _, err := fmt.Fprintln(w, m); err != nil {
				return err
			}
		}
	}
	return nil
}

// WriteSummary prints Falco's validation summary: "FILE: Ok" or
// "FILE: Invalid" per file, each followed by its messages, then the
// warnings of valid files.
func (r *Result) WriteSummary(w io.Writer) error {
	for _, f := range r.Files {
		status := "Ok"
		if !f.Successful() {
			status = "Invalid"
		}
		if len(f.Warnings) > 0 && f.Successful() {
			status = "Ok, with warnings"
		}
		if _, err := fmt.Fprintf(w, "%s: %s\n", f.Name, status); err != nil {
			return err
		}
		for _, m := range append(append([]*Message{}, f.Errors...), f.Warnings...) {
			if _, err := fmt.Fprintf(w, "  %s\n", m); err != nil {
				return err
			}
		}
	}
	return nil
}

type jsonPosition struct {
	Name   string `json:"name"`
	Line   int    `json:"line"`
	Column int    `json:"column"`
	Offset int    `json:"offset"`
}

type jsonLocation struct {
	ItemType string       `json:"item_type"`
	ItemName string       `json:"item_name"`
	Position jsonPosition `json:"position"`
}

type jsonMessage struct {
	Code     Code   `json:"code"`
	CodeDesc string `json:"codedesc"`
	Message  string `json:"message"`
	Context  struct {
		Locations []jsonLocation `json:"locations"`
	} `json:"context"`
}

type jsonFile struct {
	Name       string        `json:"name"`
	Successful bool          `json:"successful"`
	Errors     []jsonMessage `json:"errors"`
	Warnings   []jsonMessage `json:"warnings"`
}

func toJSONMessages(ms []*Message) []jsonMessage {
	out := []jsonMessage{}
	for _, m := range ms {
		jm := jsonMessage{Code: m.Code, CodeDesc: m.Code.Desc(), Message: m.Text}
		jm.Context.Locations = []jsonLocation{{
			ItemType: m.ItemType, ItemName: m.ItemName,
			Position: jsonPosition{Name: m.Pos.File, Line: m.Pos.Line, Column: m.Pos.Col, Offset: m.Pos.Offset},
		}}
		if m.Cond != "" {
			jm.Context.Locations = append(jm.Context.Locations, jsonLocation{
				ItemType: "condition expression", ItemName: "",
				Position: jsonPosition{Name: m.Cond, Line: 1, Column: m.CondPos + 1, Offset: m.CondPos},
			})
		}
		out = append(out, jm)
	}
	return out
}

// WriteJSON prints the result as Falco's validation JSON:
// {"falco_load_results":[{"name","successful","errors","warnings"}]}.
func (r *Result) WriteJSON(w io.Writer) error {
	var v struct {
		Results []jsonFile `json:"falco_load_results"`
	}
	v.Results = []jsonFile{}
	for _, f := range r.Files {
		v.Results = append(v.Results, jsonFile{Name: f.Name, Successful: f.Successful(),
			Errors: toJSONMessages(f.Errors), Warnings: toJSONMessages(f.Warnings)})
	}
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	_, err = w.Write(append(b, '\n'))
	return err
}
