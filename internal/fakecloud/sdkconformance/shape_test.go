package sdkconformance

import (
	"bytes"
	"encoding/json"
	"fmt"
	"maps"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/huaweicloud/huaweicloud-sdk-go-v3/core/sdktime"
	apigmodel "github.com/huaweicloud/huaweicloud-sdk-go-v3/services/apig/v2/model"
)

// checkShape reports every place where raw, a JSON answer, departs from model, the Go type that decodes it (an
// SDK response model): a field the model does not have, a value of another JSON type than the model's field
// takes, a field the model requires (no omitempty) left out. Each report starts with the field's path, e.g.
// auths[1].auth_result.status. The SDK's own decoder ignores unknown fields and reads a date-time it cannot
// parse as an error only at run time, so it proves none of this.
func checkShape(raw []byte, model reflect.Type) []string {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return []string{fmt.Sprintf("the body is not JSON (%v): %q", err, raw)}
	}
	var w shapeWalk
	w.walk("", v, model)
	w.problems = foldItems(w.problems)
	if len(w.problems) == 0 {
		// The standard library's strict decoder as a second opinion: it stops at its first finding and names no
		// path, which is why the walk above comes first.
		strict := json.NewDecoder(bytes.NewReader(raw))
		strict.DisallowUnknownFields()
		if err := strict.Decode(reflect.New(model).Interface()); err != nil {
			w.problems = append(w.problems, "encoding/json with DisallowUnknownFields: "+err.Error())
		}
	}
	return w.problems
}

// foldItems keeps the first of the reports that differ only in array indexes, and says how many more there are,
// so that a field missing from every item of a list is one line.
func foldItems(problems []string) []string {
	var out []string
	more := map[string]int{}
	first := map[string]int{}
	for _, p := range problems {
		key := arrayIndex.ReplaceAllString(p, "[]")
		if i, seen := first[key]; seen {
			more[out[i]]++
			continue
		}
		first[key] = len(out)
		out = append(out, p)
	}
	for i, p := range out {
		switch n := more[p]; {
		case n == 1:
			out[i] = p + " (and in 1 more item)"
		case n > 1:
			out[i] = fmt.Sprintf("%s (and in %d more items)", p, n)
		}
	}
	return out
}

var arrayIndex = regexp.MustCompile(`\[\d+\]`)

var (
	sdkTimeType     = reflect.TypeFor[sdktime.SdkTime]()
	unmarshalerType = reflect.TypeFor[json.Unmarshaler]()
)

type shapeWalk struct{ problems []string }

func (w *shapeWalk) report(path, format string, args ...any) {
	if path == "" {
		path = "(body)"
	}
	w.problems = append(w.problems, path+": "+fmt.Sprintf(format, args...))
}

// mismatch reports a value of the wrong JSON type.
func (w *shapeWalk) mismatch(path string, v any, t reflect.Type, want string) {
	w.report(path, "%s where the model's %s takes %s", describe(v), t, want)
}

// walk checks the decoded JSON value v against the Go type t. A null is always accepted: the SDK leaves the
// field unset.
func (w *shapeWalk) walk(path string, v any, t reflect.Type) {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if v == nil {
		return
	}
	switch {
	case t == sdkTimeType:
		s, ok := v.(string)
		if !ok {
			w.mismatch(path, v, t, "a date-time string")
			return
		}
		var parsed sdktime.SdkTime
		if err := parsed.UnmarshalJSON([]byte(strconv.Quote(s))); err != nil {
			w.report(path, "%q is in none of the date-time layouts %s reads", s, t)
		}
		return
	case isEnum(t):
		// The SDK's enums are a struct around one unexported value; the JSON is that value.
		w.walkScalar(path, v, t, t.Field(0).Type.Kind())
		return
	case reflect.PointerTo(t).Implements(unmarshalerType) && t.Kind() == reflect.Struct:
		w.report(path, "the model's %s decodes itself; this checker does not know its shape", t)
		return
	}
	switch t.Kind() {
	case reflect.Slice, reflect.Array:
		items, ok := v.([]any)
		if !ok {
			w.mismatch(path, v, t, "an array")
			return
		}
		for i, item := range items {
			w.walk(fmt.Sprintf("%s[%d]", path, i), item, t.Elem())
		}
	case reflect.Map:
		obj, ok := v.(map[string]any)
		if !ok {
			w.mismatch(path, v, t, "an object")
			return
		}
		for _, k := range slices.Sorted(maps.Keys(obj)) {
			w.walk(join(path, k), obj[k], t.Elem())
		}
	case reflect.Struct:
		obj, ok := v.(map[string]any)
		if !ok {
			w.mismatch(path, v, t, "an object")
			return
		}
		w.fields(path, obj, t)
	case reflect.Interface:
		// any JSON value
	default:
		w.walkScalar(path, v, t, t.Kind())
	}
}

// walkScalar checks a string, boolean or number of the Go kind k.
func (w *shapeWalk) walkScalar(path string, v any, t reflect.Type, k reflect.Kind) {
	switch k {
	case reflect.String:
		if _, ok := v.(string); !ok {
			w.mismatch(path, v, t, "a string")
		}
	case reflect.Bool:
		if _, ok := v.(bool); !ok {
			w.mismatch(path, v, t, "a boolean")
		}
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		n, ok := v.(json.Number)
		if !ok {
			w.mismatch(path, v, t, "an integer")
		} else if _, err := strconv.ParseInt(n.String(), 10, bits(k)); err != nil {
			w.report(path, "number %s is not an integer that fits the model's %s", n, t)
		}
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		n, ok := v.(json.Number)
		if !ok {
			w.mismatch(path, v, t, "an unsigned integer")
		} else if _, err := strconv.ParseUint(n.String(), 10, bits(k)); err != nil {
			w.report(path, "number %s is not an unsigned integer that fits the model's %s", n, t)
		}
	case reflect.Float32, reflect.Float64:
		if _, ok := v.(json.Number); !ok {
			w.mismatch(path, v, t, "a number")
		}
	default:
		w.report(path, "the model's %s is of a kind (%s) this checker does not know", t, k)
	}
}

// fields checks an object against a struct: every key must be a field, every required field a key.
func (w *shapeWalk) fields(path string, obj map[string]any, t reflect.Type) {
	type field struct {
		typ      reflect.Type
		required bool
	}
	known := map[string]field{}
	var order []string
	for f := range structFields(t) {
		name, opts, _ := strings.Cut(f.Tag.Get("json"), ",")
		if name == "" {
			name = f.Name
		}
		// "-" is the SDK's HttpStatusCode; X-... fields are response headers (X-Subject-Token, X-Request-Id).
		if name == "-" || strings.HasPrefix(name, "X-") {
			continue
		}
		known[name] = field{typ: f.Type, required: !slices.Contains(strings.Split(opts, ","), "omitempty")}
		order = append(order, name)
	}
	for _, k := range slices.Sorted(maps.Keys(obj)) {
		f, ok := known[k]
		if !ok {
			w.report(join(path, k), "the model %s has no such field", t)
			continue
		}
		w.walk(join(path, k), obj[k], f.typ)
	}
	for _, name := range order {
		if _, present := obj[name]; !present && known[name].required {
			w.report(join(path, name), "missing, and the model %s requires it (no omitempty)", t)
		}
	}
}

// structFields yields the exported fields of a struct type.
func structFields(t reflect.Type) func(yield func(reflect.StructField) bool) {
	return func(yield func(reflect.StructField) bool) {
		for i := range t.NumField() {
			if f := t.Field(i); f.IsExported() && !yield(f) {
				return
			}
		}
	}
}

// isEnum recognises the SDK's enum types: a struct holding one unexported value, decoded by its UnmarshalJSON.
func isEnum(t reflect.Type) bool {
	return t.Kind() == reflect.Struct && t.NumField() == 1 && t.Field(0).Name == "value" &&
		reflect.PointerTo(t).Implements(unmarshalerType)
}

func bits(k reflect.Kind) int {
	switch k {
	case reflect.Int8, reflect.Uint8:
		return 8
	case reflect.Int16, reflect.Uint16:
		return 16
	case reflect.Int32, reflect.Uint32:
		return 32
	default:
		return 64
	}
}

func join(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

// describe names a decoded JSON value's type, with the value when it is short.
func describe(v any) string {
	switch x := v.(type) {
	case string:
		return fmt.Sprintf("string %q", x)
	case json.Number:
		return "number " + x.String()
	case bool:
		return fmt.Sprintf("boolean %t", x)
	case []any:
		return fmt.Sprintf("array of %d", len(x))
	case map[string]any:
		return "object"
	case nil:
		return "null or nothing"
	default:
		return fmt.Sprintf("%T", v)
	}
}

func TestCheckShape(t *testing.T) {
	t.Parallel()
	type item struct {
		ID     *string                       `json:"id,omitempty"`
		Size   int32                         `json:"size"`
		Status *apigmodel.AuthResultStatus   `json:"status,omitempty"`
		Type   *apigmodel.ApiAuthInfoApiType `json:"type,omitempty"`
		At     *sdktime.SdkTime              `json:"at,omitempty"`
		On     *bool                         `json:"on,omitempty"`
	}
	type body struct {
		Items          *[]item `json:"items,omitempty"`
		Token          *string `json:"X-Subject-Token,omitempty"`
		HttpStatusCode int     `json:"-"`
	}
	tests := []struct {
		name string
		raw  string
		want []string // the reports, each as a prefix
	}{
		{"conforms", `{"items":[{"id":"a","size":1,"status":"SKIPPED","type":2,"at":"2025-03-01 20:00:00","on":true}]}`, nil},
		{"null and absent optional fields", `{"items":[{"id":null,"size":0,"at":null}]}`, nil},
		{"empty date-time", `{"items":[{"size":0,"at":""}]}`, nil},
		{"unknown field", `{"items":[{"size":1,"auth_handler_name":"x"}]}`, []string{"items[0].auth_handler_name: the model sdkconformance.item has no such field"}},
		{"header and status fields are not body fields", `{"X-Subject-Token":"t","HttpStatusCode":200}`, []string{"HttpStatusCode: the model", "X-Subject-Token: the model"}},
		{"number as string", `{"items":[{"size":"1"}]}`, []string{`items[0].size: string "1" where the model's int32 takes an integer`}},
		{"string as number", `{"items":[{"size":1,"id":7}]}`, []string{"items[0].id: number 7 where the model's string takes a string"}},
		{"integer out of range", `{"items":[{"size":2147483648}]}`, []string{"items[0].size: number 2147483648 is not an integer that fits the model's int32"}},
		{"fraction for an integer", `{"items":[{"size":1.5}]}`, []string{"items[0].size: number 1.5 is not an integer"}},
		{"boolean as string", `{"items":[{"size":1,"on":"true"}]}`, []string{`items[0].on: string "true" where the model's bool takes a boolean`}},
		{"string enum as number", `{"items":[{"size":1,"status":1}]}`, []string{"items[0].status: number 1 where the model's model.AuthResultStatus takes a string"}},
		{"integer enum as string", `{"items":[{"size":1,"type":"1"}]}`, []string{`items[0].type: string "1" where the model's model.ApiAuthInfoApiType takes an integer`}},
		{"epoch time", `{"items":[{"size":1,"at":1740830400000}]}`, []string{"items[0].at: number 1740830400000 where the model's sdktime.SdkTime takes a date-time string"}},
		{"unreadable time", `{"items":[{"size":1,"at":"01.03.2025"}]}`, []string{`items[0].at: "01.03.2025" is in none of the date-time layouts`}},
		{"missing required field", `{"items":[{"id":"a"}]}`, []string{"items[0].size: missing, and the model sdkconformance.item requires it"}},
		{"object for an array", `{"items":{"size":1}}`, []string{"items: object where the model's []sdkconformance.item takes an array"}},
		{"array for the body", `[{"size":1}]`, []string{"(body): array of 1 where the model's sdkconformance.body takes an object"}},
		{"every finding", `{"items":[{"size":"1","x":1},{"size":1,"at":5}]}`, []string{"items[0].size:", "items[0].x:", "items[1].at:"}},
		{"one line for every item", `{"items":[{"id":"a"},{"id":"b"},{"id":"c","size":"1"}]}`, []string{
			"items[0].size: missing, and the model sdkconformance.item requires it (no omitempty) (and in 1 more item)",
			`items[2].size: string "1"`}},
		{"not JSON", `{"items":`, []string{"the body is not JSON"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got := checkShape([]byte(tt.raw), reflect.TypeFor[body]())
			if len(got) != len(tt.want) {
				t.Fatalf("got %d reports, want %d:\n%s", len(got), len(tt.want), strings.Join(got, "\n"))
			}
			for i := range got {
				if !strings.HasPrefix(got[i], tt.want[i]) {
					t.Errorf("report %d:\n got %s\nwant %s...", i, got[i], tt.want[i])
				}
			}
		})
	}
}
