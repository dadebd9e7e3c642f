// Package export writes a plan in the forms an organiser uses: rosters
// and session lists as CSV, Zoom breakout-room pre-assignment files, a
// roster per round to paste in a Teams invitation, a personal iCalendar
// file per participant, and one self-contained HTML page that shows the
// plan at a glance.
//
// Each form has a writer to an io.Writer (WriteRosters, WriteSessions,
// WriteZoom, WriteTeams, WriteCalendar, WriteReport), and WriteAll writes
// them all into one directory:
//
//	files, warnings, err := export.WriteAll("out", ev, plan, export.Options{})
//	if err != nil { ... }
//	for _, w := range warnings {
//		fmt.Fprintln(os.Stderr, w) // people without e-mail, Zoom's limits, ...
//	}
//
// Output is safe to open: CSV cells that a spreadsheet would run as a
// formula are neutralised as model.WriteRoster does, every name in the
// HTML page is escaped, and file names made from ids cannot leave the
// directory (see Stems). It is also reproducible: the same event and plan
// give the same bytes, calendars included.
//
// The writers take an event as the engine does (they normalize it
// themselves) and any plan: entries that name unknown ids are skipped,
// and WriteAll reports every rule the plan breaks, as model.Check finds
// them, among its warnings.
package export
