package models

import (
	"errors"
	"reflect"
	"regexp"
	"strings"
	"sync"

	"github.com/go-playground/validator/v10"
)

// slugPattern is the slug rule of the API contract: lowercase letters, digits and hyphens,
// 1-64 characters. "Not all digits" is checked separately so that an id and a slug can never be
// confused in a path such as /chains/{id-or-slug}.
var slugPattern = regexp.MustCompile(`^[a-z0-9-]{1,64}$`)

// IsSlug reports whether s is a valid slug.
func IsSlug(s string) bool {
	return slugPattern.MatchString(s) && strings.Trim(s, "0123456789") != ""
}

// SlugRule says what a slug must look like, for error messages.
const SlugRule = "must be 1-64 lowercase letters, digits and hyphens, and not all digits"

var (
	validateOnce sync.Once
	validate     *validator.Validate
)

// validatorInstance returns the shared validator, configured once: field names in errors are
// the JSON names a client sent, and "slug" is a rule of its own.
func validatorInstance() *validator.Validate {
	validateOnce.Do(func() {
		v := validator.New(validator.WithRequiredStructEnabled())
		v.RegisterTagNameFunc(func(f reflect.StructField) string {
			name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
			if name == "-" {
				return ""
			}
			return name
		})
		_ = v.RegisterValidation("slug", func(fl validator.FieldLevel) bool {
			return IsSlug(fl.Field().String())
		})
		validate = v
	})
	return validate
}

// check validates a command struct by its `validate` tags and returns an Invalid error listing
// every bad field, or nil. It returns error, not *Error, so that a nil result is a nil interface.
func check(s any) error {
	fields := checkFields(s)
	if len(fields) == 0 {
		return nil
	}
	return Invalid(fields...)
}

// checkFields returns the bad fields of a command struct by its `validate` tags.
func checkFields(s any) []FieldError {
	err := validatorInstance().Struct(s)
	if err == nil {
		return nil
	}
	var verrs validator.ValidationErrors
	if !errors.As(err, &verrs) {
		// Only a programming error (a non-struct) gets here; say so rather than hide it.
		panic(err)
	}
	fields := make([]FieldError, 0, len(verrs))
	for _, fe := range verrs {
		fields = append(fields, FieldError{Field: fieldPath(fe.Namespace()), Message: message(fe)})
	}
	return fields
}

// fieldPath turns the validator's "TacticInput.references[0].url" into "references[0].url".
func fieldPath(namespace string) string {
	_, rest, found := strings.Cut(namespace, ".")
	if !found {
		return namespace
	}
	return rest
}

func message(fe validator.FieldError) string {
	switch fe.Tag() {
	case "required":
		return "is required"
	case "slug":
		return SlugRule
	case "max":
		if fe.Kind() == reflect.Slice {
			return "must have at most " + fe.Param() + " items"
		}
		if fe.Kind() == reflect.String {
			return "must be at most " + fe.Param() + " characters"
		}
		return "must be at most " + fe.Param()
	case "min":
		if fe.Kind() == reflect.String {
			return "must be at least " + fe.Param() + " characters"
		}
		return "must be at least " + fe.Param()
	case "gte":
		return "must be at least " + fe.Param()
	case "lte":
		return "must be at most " + fe.Param()
	case "oneof":
		return "must be one of: " + strings.ReplaceAll(fe.Param(), " ", ", ")
	case "http_url":
		return "must be an absolute http or https URL"
	case "dive":
		return "is invalid"
	default:
		return "is invalid (" + fe.Tag() + ")"
	}
}
