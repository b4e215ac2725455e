// Package components has the small templ pieces pages share: form fields, tables, pagination.
package components

// Field describes one labelled form input. Error and Hint are message keys (translated when
// shown); Label is a message key too.
type Field struct {
	// ID is the element id; "" means Name. Give one whenever the page has two forms with a
	// field of the same name: ids must be unique on a page, or labels point at another field.
	ID           string
	Name         string
	Label        string
	Type         string // text, email, tel, password, date, number; "" means text
	Value        string
	Error        string
	Hint         string
	Required     bool
	Autocomplete string
	InputMode    string
	MaxLength    int
}

// Option is one choice of a select or radio group; Label is already translated.
type Option struct {
	Value string
	Label string
}

// Select describes a labelled select.
type Select struct {
	ID       string // element id; "" means Name
	Name     string
	Label    string
	Value    string
	Error    string
	Hint     string
	Required bool
	Options  []Option
	Empty    string // message key of the empty first option, "" for none
}

func (f Field) id() string {
	if f.ID != "" {
		return f.ID
	}
	return f.Name
}

func (s Select) id() string {
	if s.ID != "" {
		return s.ID
	}
	return s.Name
}

// emptyOption is the message key of the select's empty first option: the one given, or for a
// required select without a value "form.choose", so the browser does not preselect a real
// choice that the person never made.
func (s Select) emptyOption() string {
	if s.Empty != "" {
		return s.Empty
	}
	if s.Required && s.Value == "" {
		return "form.choose"
	}
	return ""
}

func (f Field) inputType() string {
	if f.Type == "" {
		return "text"
	}
	return f.Type
}

func describedBy(name, err, hint string) string {
	s := ""
	if err != "" {
		s = name + "-error"
	}
	if hint != "" {
		if s != "" {
			s += " "
		}
		s += name + "-hint"
	}
	return s
}
