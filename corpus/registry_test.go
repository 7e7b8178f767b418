package corpus

import (
	"slices"
	"strings"
	"testing"
)

// TestIsRegistryID checks IsRegistryID on an identifier of every kind, as written and
// as the index folds it.
func TestIsRegistryID(t *testing.T) {
	text := "NCT01234567, jRCT2063200047, jRCTs031180230, JapicCTI-184103, ChiCTR2000029990, ChiCTR-IOR-17013556, " +
		"UMIN000012345, ISRCTN12345678, EudraCT number 2015-001234-56, doi:10.1177/09636897231214370, PMID: 40353645, PMC12067559."
	ids := FindIdentifiers(text)
	kinds := map[string]bool{}
	for _, id := range ids {
		kinds[id.Kind] = true
		want := !slices.Contains([]string{KindDOI, KindPMID, KindPMCID}, id.Kind)
		for _, v := range []string{id.Value, strings.ToLower(id.Value)} {
			if got := IsRegistryID(v); got != want {
				t.Errorf("IsRegistryID(%q) (%s) = %v, want %v", v, id.Kind, got, want)
			}
		}
	}
	if len(kinds) != len(IdentifierKinds) {
		t.Errorf("the text has identifiers of %d kinds, want all %d", len(kinds), len(IdentifierKinds))
	}
}
