// Package model holds an event as data: its types, their defaults,
// validation, and the JSON and CSV formats of docs/FORMAT.md; and the plan
// checker, the one definition of the objective in roundtable.
//
// It imports no other package of roundtable. A typical use:
//
//	ev, err := model.LoadEvent("event.json")
//	if err != nil { ... }        // every problem, one a line, with its path
//	ev = ev.Normalized()         // default sessions and sizes filled in
//	report := model.Check(ev, plan)
package model
