package export

import (
	"bytes"
	"encoding/csv"
	"testing"
)

// TestNeutralise: cells led by =, +, -, @, tab or carriage return get a
// quote, and no others.
func TestNeutralise(t *testing.T) {
	got := neutralise([]string{"=1+1", "+31", "-2", "@A1", "\tx", "\rx", "a=b", "", "'=x", " =x"})
	want := []string{"'=1+1", "'+31", "'-2", "'@A1", "'\tx", "'\rx", "a=b", "", "'=x", " =x"}
	for i := range got {
		if got[i] != want[i] {
			t.Errorf("neutralise: %q, want %q", got[i], want[i])
		}
	}
}

// TestRostersShape: every participant has exactly one row per round in
// the fixture (no one is in two rooms), and every row has every column.
func TestRostersShape(t *testing.T) {
	ev, plan := fixture(t)
	var b bytes.Buffer
	if err := WriteRosters(&b, ev, plan); err != nil {
		t.Fatal(err)
	}
	recs, err := csv.NewReader(&b).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) != 1+len(ev.Participants)*len(ev.Rounds) {
		t.Errorf("%d rows, want a header and %d", len(recs), len(ev.Participants)*len(ev.Rounds))
	}
	seen := map[[2]string]bool{}
	for _, r := range recs[1:] {
		key := [2]string{r[0], r[5]}
		if seen[key] {
			t.Errorf("two rows for %v", key)
		}
		seen[key] = true
	}
}

func TestMDCell(t *testing.T) {
	for in, want := range map[string]string{
		"a | b":         `a \| b`,
		"<b>x</b>":      `\<b\>x\</b\>`,
		"*_`[]~&\\":     "\\*\\_\\`\\[\\]\\~\\&\\\\",
		" two\nlines\t": "two lines",
		"Één":           "Één",
	} {
		if got := mdCell(in); got != want {
			t.Errorf("mdCell(%q) = %q, want %q", in, got, want)
		}
	}
}
