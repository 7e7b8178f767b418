package glossary_test

import (
	"fmt"

	"musesearch/internal/glossary"
)

func ExampleFind() {
	q := "bone marrow 幹細胞"
	for _, m := range glossary.Find(q) {
		fmt.Printf("%s (%s):", q[m.Start:m.End], m.Lang)
		for _, eq := range m.Equivalents(q) {
			fmt.Printf(" %s", eq.Text)
		}
		fmt.Println()
	}
	// Output:
	// bone marrow (en): 骨髄 骨髓
	// 幹細胞 (ja): stem cell 干细胞
}
