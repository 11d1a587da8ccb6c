package models

import (
	"errors"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"sync"
	"unicode"

	"github.com/go-playground/validator/v10"
)

// HasControl reports whether s holds a control character other than tab, line feed and carriage
// return: C0 (NUL and the escape that starts terminal sequences included), DEL or C1. No text the
// API stores may hold one: PostgreSQL refuses NUL, and terminals run escape sequences.
func HasControl(s string) bool {
	return strings.ContainsFunc(s, func(r rune) bool {
		return unicode.IsControl(r) && r != '\t' && r != '\n' && r != '\r'
	})
}

// ControlRule says which characters are refused, for error messages.
const ControlRule = "must not contain control characters (only tab, line feed and carriage return are allowed)"

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

// codePattern is the shape of a tactic's code: chain, stage, then kind letter and number, each
// part upper case, e.g. ST-R-R01. Upper case keeps codes apart from slugs in paths.
var codePattern = regexp.MustCompile(`^[A-Z][A-Z0-9]{0,5}-[A-Z][A-Z0-9]{0,5}-[A-Z][0-9]{1,6}$`)

// IsCode reports whether s is a valid tactic code.
func IsCode(s string) bool { return codePattern.MatchString(s) }

// PlaceholderCodePrefix starts the codes that migration 0005 gave the tactics made before codes
// existed (V1-T-X<id>). Such a code may be replaced once, by the seed or an editor; any other
// code never changes.
const PlaceholderCodePrefix = "V1-"

// CodeRule says what a code must look like, for error messages.
const CodeRule = "must be a code such as ST-R-R01: chain, stage, then a kind letter and a number, in capitals and digits"

// doiPattern is the shape of a DOI without its resolver: "10.", a registrant code, "/", a suffix.
var doiPattern = regexp.MustCompile(`^10\.[0-9]{4,9}/\S+$`)

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
		// Required strings must say something: "   " is as empty as "".
		_ = v.RegisterValidation("notblank", func(fl validator.FieldLevel) bool {
			return strings.TrimSpace(fl.Field().String()) != ""
		})
		// Names that terminals print (a key's, in "chainkb keys list") hold no control characters,
		// whose escape sequences a terminal would run.
		_ = v.RegisterValidation("nocontrol", func(fl validator.FieldLevel) bool {
			return !HasControl(fl.Field().String())
		})
		_ = v.RegisterValidation("words40", func(fl validator.FieldLevel) bool {
			return CountWords(fl.Field().String()) <= MaxQuoteWords
		})
		_ = v.RegisterValidation("jurisdiction", func(fl validator.FieldLevel) bool {
			return IsJurisdiction(fl.Field().String())
		})
		_ = v.RegisterValidation("country", func(fl validator.FieldLevel) bool {
			return IsCountry(fl.Field().String())
		})
		_ = v.RegisterValidation("actor", func(fl validator.FieldLevel) bool {
			return slices.Contains(Actors, fl.Field().String())
		})
		_ = v.RegisterValidation("code", func(fl validator.FieldLevel) bool {
			return IsCode(fl.Field().String())
		})
		_ = v.RegisterValidation("doi", func(fl validator.FieldLevel) bool {
			return doiPattern.MatchString(fl.Field().String())
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

// fieldPath turns the validator's "TacticInput.citations[2].source" into the JSON pointer of the
// field, without its leading slash: "citations/2/source".
func fieldPath(namespace string) string {
	_, rest, found := strings.Cut(namespace, ".")
	if !found {
		return namespace
	}
	return pointerReplacer.Replace(rest)
}

var pointerReplacer = strings.NewReplacer("[", "/", "]", "", ".", "/")

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
	case "code":
		return CodeRule
	case "notblank":
		return "must not be blank"
	case "nocontrol":
		return ControlRule
	case "words40":
		return "must be a quotation of at most 40 words"
	case "jurisdiction":
		return "must be an ISO 3166-1 alpha-2 country code (e.g. IN) or global"
	case "country":
		return CountryRule
	case "actor":
		return "must be one of: " + strings.Join(Actors, ", ")
	case "doi":
		return "must be a DOI such as 10.1080/23322705.2015.1008883, without https://doi.org/"
	case "iso4217":
		return "must be an ISO 4217 currency code such as USD"
	case "bcp47_language_tag":
		return "must be a language tag such as en"
	case "dive":
		return "is invalid"
	default:
		return "is invalid (" + fe.Tag() + ")"
	}
}

// appendField adds a field error to err (nil or an Invalid *Error) and returns the Invalid error.
func appendField(err error, fe ...FieldError) error {
	if e, ok := AsError(err); ok {
		e.Fields = append(e.Fields, fe...)
		return e
	}
	return Invalid(fe...)
}

// IsCurrency reports whether s is an ISO 4217 currency code, as the iso4217 rule checks it.
func IsCurrency(s string) bool { return validatorInstance().Var(s, "iso4217") == nil }
