package web

import (
	"bytes"
	"encoding/json"
	"math"
	"net/url"
	"reflect"
	"testing"
)

// TestEncodeSearchJSON holds encodeJSON's own encoder of SearchJSON to encoding/json's
// bytes: on the answers of real searches, and on answers with every field of every
// type inside SearchJSON set (strings JSON must escape, floats at the exponent
// cutoffs), left at its zero value (nil slices and maps), or empty and not nil. A field
// added to SearchJSON, or to a type in it, fails here until the encoder writes it.
func TestEncodeSearchJSON(t *testing.T) {
	_, srv := newTestServer(t)
	var answers []SearchJSON
	for _, q := range []string{"ALS", "Muse cells", "脊髄損傷", "干细胞", `"spinal cord injury"`, "stroke -mouse",
		"間葉系幹細胞", "q=cells&group=doc", "q=muse+cells&group=doc&size=3&page=2", "q=strokee", "q=nothingatallhere",
		"q=cells&sort=date&lang=ja", "q=", "q=cells&size=0"} {
		params := url.Values{"q": {q}}
		if v, err := url.ParseQuery(q); err == nil && v.Has("q") {
			params = v
		}
		req, err := parseSearch(params, sectionsByDefault)
		if err != nil {
			t.Fatal(err)
		}
		resp, err := srv.search(t.Context(), req)
		if err != nil {
			t.Fatal(err)
		}
		answers = append(answers, NewSearchJSON(resp))
	}
	for _, n := range []int{-1, 0, 2} {
		for seed := range 3 {
			var j SearchJSON
			fill(reflect.ValueOf(&j).Elem(), n, &seed)
			answers = append(answers, j)
		}
	}
	for i, j := range answers {
		var got bytes.Buffer
		if err := encodeJSON(&got, j); err != nil {
			t.Fatal(err)
		}
		if want := encodingJSON(t, j); got.String() != want {
			t.Errorf("answer %d (%q):\n got %s\nwant %s", i, j.Query, got.String(), want)
		}
	}
	for _, f := range fillFloats {
		var a jsonAppender
		if a.float(f); string(a.b)+"\n" != encodingJSON(t, f) {
			t.Errorf("%v: got %s, want %s", f, a.b, encodingJSON(t, f))
		}
	}
	for _, s := range fillStrings {
		var a jsonAppender
		if a.string(s); string(a.b)+"\n" != encodingJSON(t, s) {
			t.Errorf("%q: got %s, want %s", s, a.b, encodingJSON(t, s))
		}
	}
	if err := encodeJSON(&bytes.Buffer{}, SearchJSON{TookMS: math.NaN()}); err == nil {
		t.Error("a NaN was encoded")
	}
}

// encodingJSON is v as encoding/json encodes it for encodeJSON.
func encodingJSON(t *testing.T, v any) string {
	t.Helper()
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

// Values fill gives the fields of an answer in turn: strings that JSON escapes
// (quotes, backslashes, control characters, invalid UTF-8, U+2028) or that HTML
// would, and floats around encoding/json's cutoffs for exponents.
var (
	fillStrings = []string{"a\"b\\c", "<mark>ALS</mark> & co", "\x00\x01\b\f\n\r\t\x1f\x7f", "line\u2028para\u2029",
		"bad \xff\xfe utf8 \xe6\x97", "日本語 中文", "plain", "x"}
	fillFloats = []float64{1000.6728518506028, 1.079, 1e-7, 1e21, 999999999999999999999, 1e-6, -2.5e-10,
		math.Copysign(0, -1), 123456789.125, 5e-324, 5e-7, 1.5e300, -0.5}
)

// fill sets every exported field of v, recursively: with n < 0 to its zero value;
// otherwise scalars to the next of fillStrings, fillFloats, a count or true, and slices
// and maps to n elements (empty, not nil, for 0), pointers to a filled value.
func fill(v reflect.Value, n int, seed *int) {
	*seed++
	switch v.Kind() {
	case reflect.String:
		if n >= 0 {
			v.SetString(fillStrings[*seed%len(fillStrings)])
		}
	case reflect.Int:
		if n >= 0 {
			v.SetInt(int64(*seed))
		}
	case reflect.Float64:
		if n >= 0 {
			v.SetFloat(fillFloats[*seed%len(fillFloats)])
		}
	case reflect.Bool:
		v.SetBool(n >= 0)
	case reflect.Slice:
		if n >= 0 {
			s := reflect.MakeSlice(v.Type(), n, n)
			for i := range n {
				fill(s.Index(i), n, seed)
			}
			v.Set(s)
		}
	case reflect.Map:
		if n >= 0 {
			m := reflect.MakeMap(v.Type())
			for range n {
				k, e := reflect.New(v.Type().Key()).Elem(), reflect.New(v.Type().Elem()).Elem()
				fill(k, n, seed)
				fill(e, n, seed)
				m.SetMapIndex(k, e)
			}
			v.Set(m)
		}
	case reflect.Pointer:
		if n >= 0 {
			p := reflect.New(v.Type().Elem())
			fill(p.Elem(), n, seed)
			v.Set(p)
		}
	case reflect.Struct:
		for i := range v.NumField() {
			if v.Type().Field(i).IsExported() {
				fill(v.Field(i), n, seed)
			}
		}
	default:
		panic("fill: no values for " + v.Type().String())
	}
}
