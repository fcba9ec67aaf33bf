package views

import (
	"bytes"
	"fmt"
	"strings"

	lua "github.com/yuin/gopher-lua"
)

// ErrNotView is returned by Parse for Lua files that define no
// view_info table (or that are chisels: they set a description string).
var ErrNotView = fmt.Errorf("not a view")

// Parse runs a Lua file and reads the view_info table it defines, with
// csysdig's rules (unknown keys are ignored, wrong types are errors).
func Parse(name string, src []byte) (*View, error) {
	L := lua.NewState(lua.Options{SkipOpenLibs: false})
	defer L.Close()
	fn, err := L.Load(bytes.NewReader(src), name)
	if err != nil {
		return nil, err
	}
	L.Push(fn)
	if err := L.PCall(0, 0, nil); err != nil {
		return nil, err
	}
	if _, ok := L.GetGlobal("description").(lua.LString); ok {
		return nil, ErrNotView
	}
	vi, ok := L.GetGlobal("view_info").(*lua.LTable)
	if !ok {
		return nil, ErrNotView
	}
	return fromTable(name, vi)
}

func str(v lua.LValue) string {
	switch v := v.(type) {
	case lua.LString:
		return string(v)
	case lua.LNumber:
		return v.String()
	}
	return ""
}

func strList(view, key string, v lua.LValue, what string) ([]string, error) {
	t, ok := v.(*lua.LTable)
	if !ok {
		return nil, fmt.Errorf("error in view %s: %s is not a table", view, key)
	}
	var out []string
	err := eachEntry(t, func(_, e lua.LValue) error {
		switch e.(type) {
		case lua.LString, lua.LNumber:
			out = append(out, str(e))
			return nil
		}
		return fmt.Errorf("error in view %s: %s entries must be strings", view, what)
	})
	return out, err
}

// eachEntry calls f on the entries of t until it returns an error, and
// returns that error.
func eachEntry(t *lua.LTable, f func(k, v lua.LValue) error) error {
	var err error
	t.ForEach(func(k, v lua.LValue) {
		if err == nil {
			err = f(k, v)
		}
	})
	return err
}

func boolean(view, key string, v lua.LValue) (bool, error) {
	b, ok := v.(lua.LBool)
	if !ok {
		return false, fmt.Errorf("error in view %s: %s must be a boolean", view, key)
	}
	return bool(b), nil
}

// tableEntries parses with parse each entry of val, the table of tables
// key of view (columns, actions).
func tableEntries[T any](view, key string, val lua.LValue, parse func(*lua.LTable) (T, error)) ([]T, error) {
	tt, ok := val.(*lua.LTable)
	if !ok {
		return nil, fmt.Errorf("error in view %s: %s is not a table", view, key)
	}
	var out []T
	err := eachEntry(tt, func(_, ev lua.LValue) error {
		et, ok := ev.(*lua.LTable)
		if !ok {
			return fmt.Errorf("view_info %s entries must be tables", strings.TrimSuffix(key, "s"))
		}
		x, err := parse(et)
		out = append(out, x)
		return err
	})
	return out, err
}

func fromTable(name string, t *lua.LTable) (*View, error) {
	v := &View{PropagateFilter: true}
	err := eachEntry(t, func(k, val lua.LValue) error {
		key := str(k)
		var e error
		switch key {
		case "name":
			v.Name = str(val)
		case "id":
			v.ID = str(val)
		case "description":
			v.Description = str(val)
		case "tags":
			v.Tags, e = strList(name, key, val, "tags")
		case "tips":
			v.Tips, e = strList(name, key, val, "tips")
		case "applies_to":
			v.AppliesTo, e = strList(name, key, val, "applies_to")
		case "view_type":
			switch str(val) {
			case "table":
				v.Kind = TableView
			case "list":
				v.Kind = ListView
			case "spectrogram":
				v.Kind = SpectroView
			default:
				e = fmt.Errorf("error in view %s: view_type must be either 'table' or 'list'", name)
			}
		case "drilldown_target":
			v.DrilldownTarget = str(val)
		case "spectro_type":
			v.SpectroType = str(val)
		case "filter":
			v.Filter = str(val)
		case "use_defaults":
			v.UseDefaults, e = boolean(name, key, val)
		case "is_root":
			v.IsRoot, e = boolean(name, key, val)
		case "drilldown_increase_depth":
			v.DrilldownIncreaseDepth, e = boolean(name, key, val)
		case "propagate_filter":
			v.PropagateFilter, e = boolean(name, key, val)
		case "columns":
			v.Columns, e = tableEntries(name, key, val, parseColumn)
		case "actions":
			v.Actions, e = tableEntries(name, key, val, parseAction)
		}
		return e
	})
	if err != nil {
		return nil, err
	}
	if err := v.finish(); err != nil {
		return nil, err
	}
	return v, nil
}

func parseColumn(t *lua.LTable) (Column, error) {
	c := Column{Size: -1}
	flag := func(key string, val lua.LValue, dst *bool) error {
		b, ok := val.(lua.LBool)
		if !ok {
			return fmt.Errorf("%s must be a boolean value", key)
		}
		if b {
			*dst = true
		}
		return nil
	}
	err := eachEntry(t, func(k, val lua.LValue) error {
		key := str(k)
		switch key {
		case "name":
			c.Name = str(val)
		case "description":
			c.Description = str(val)
		case "field":
			c.Field = str(val)
		case "filterfield":
			c.FilterField = str(val)
		case "colsize":
			n, ok := val.(lua.LNumber)
			if !ok {
				return fmt.Errorf("colsize must be a number")
			}
			c.Size = int32(uint32(int64(n)))
		case "is_key":
			return flag(key, val, &c.Key)
		case "is_groupby_key":
			return flag(key, val, &c.GroupBy)
		case "is_sorting":
			return flag(key, val, &c.Sorting)
		case "filter_in_child_only":
			return flag(key, val, &c.ChildOnly)
		case "aggregation", "groupby_aggregation":
			if s, ok := val.(lua.LString); ok {
				a, err := ParseAggregation(string(s))
				if err != nil {
					return err
				}
				if key == "aggregation" {
					c.Aggr = a
				} else {
					c.GroupByAggr = a
				}
			}
		case "tags":
			tt, ok := val.(*lua.LTable)
			if !ok {
				return fmt.Errorf("tags is not a table")
			}
			return eachEntry(tt, func(_, e lua.LValue) error {
				s, ok := e.(lua.LString)
				if !ok {
					return fmt.Errorf("tags column entries must be strings")
				}
				c.Tags = append(c.Tags, string(s))
				return nil
			})
		}
		return nil
	})
	if err == nil && c.FilterField != "" && !c.Key && !c.GroupBy {
		err = fmt.Errorf("wrong view column syntax: filterfield specified for a non key column")
	}
	return c, err
}

func parseAction(t *lua.LTable) (Action, error) {
	a := Action{WaitFinish: true}
	err := eachEntry(t, func(k, val lua.LValue) error {
		switch str(k) {
		case "hotkey":
			s := str(val)
			if len(s) != 1 {
				return fmt.Errorf("action 'key' field must be a single character string")
			}
			a.Hotkey = s[0]
		case "command":
			a.Command = str(val)
		case "description":
			a.Description = str(val)
		case "wait_finish":
			if !lua.LVAsBool(val) {
				a.WaitFinish = false
			}
		case "ask_confirmation":
			if lua.LVAsBool(val) {
				a.AskConfirmation = true
			}
		}
		return nil
	})
	if err == nil && a.Hotkey == 0 {
		err = fmt.Errorf("action missing the 'key' value")
	}
	if err == nil && a.Command == "" {
		err = fmt.Errorf("action missing the 'command' value")
	}
	return a, err
}
