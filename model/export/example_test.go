package export_test

import (
	"fmt"

	"github.com/roundtable-go/roundtable/model/export"
)

// Stems turns ids into file names that stay in the output directory.
func ExampleStems() {
	fmt.Println(export.Stems([]string{"r1", "../secret", "R1", "CON"}))
	// Output: [r1 _._secret R1-2 CON_]
}

// UID depends only on the event's name, the participant and the round, so
// a calendar sent again replaces the entries it sent before.
func ExampleUID() {
	fmt.Println(export.UID("Kennisdag", "p001", "r1"))
	// Output: a724f907551f2d3fefc2f19408e3b0e6@roundtable
}
