package core

import (
	"regexp"
	"unicode/utf8"
)

// Checks of a call's parameters that every service makes the same way, answered with the service's own
// error rows (filled with the parameter's name).

// CheckRequired checks a parameter that must be given and match pattern.
func CheckRequired(param, value string, pattern *regexp.Regexp, missing, invalid ErrorDef) *Error {
	switch {
	case value == "":
		return missing.With(param)
	case !pattern.MatchString(value):
		return invalid.With(param)
	}
	return nil
}

// CheckMaxLength checks that a parameter has at most n characters.
func CheckMaxLength(param, value string, n int, invalid ErrorDef) *Error {
	if utf8.RuneCountInString(value) > n {
		return invalid.With(param)
	}
	return nil
}

// FirstError returns the first failed check of a call's parameters, in the order the cloud makes them.
func FirstError(errs ...*Error) *Error {
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}
