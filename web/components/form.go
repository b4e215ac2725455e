// Package components has the small templ pieces pages share: form fields, tables, pagination.
package components

// Field describes one labelled form input. Error and Hint are message keys (translated when
// shown); Label is a message key too.
type Field struct {
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
	Name     string
	Label    string
	Value    string
	Error    string
	Hint     string
	Required bool
	Options  []Option
	Empty    string // message key of the empty first option, "" for none
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
