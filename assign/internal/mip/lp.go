package mip

import (
	"bufio"
	"io"
	"strconv"
	"strings"
)

// termsPerLine keeps lines short: some LP readers limit line length.
const termsPerLine = 8

// WriteLP writes the model in CPLEX LP format. Comments at the top give
// the name table: what each generated variable name stands for, with ids
// quoted as Go strings.
func (m *Model) WriteLP(w io.Writer) error {
	bw := bufio.NewWriter(w)
	bw.WriteString(`\ roundtable: exact MIP of docs/FORMAT.md for event ` + strconv.Quote(m.ev.Name) + "\n")
	bw.WriteString(`\ The optimal value of obj is the objective of FORMAT.md; const1 = 1 carries its constant.` + "\n")
	bw.WriteString(`\ Variables:` + "\n")
	for i, n := range m.names {
		bw.WriteString(`\   ` + n + ": " + oneLine(m.notes[i]) + "\n")
	}
	bw.WriteString("Maximize\n obj:")
	k := 0
	for c, coef := range m.obj {
		if coef == 0 && c != 0 { // const1 (column 0) always appears
			continue
		}
		writeTerm(bw, coef, m.names[c], &k)
	}
	bw.WriteString("\nSubject To\n")
	for _, r := range m.rows {
		bw.WriteString(" " + r.name + ":")
		k = 0
		for _, t := range r.terms {
			writeTerm(bw, t.coef, m.names[t.col], &k)
		}
		bw.WriteString(" " + r.sense + " " + strconv.FormatInt(r.rhs, 10) + "\n")
	}
	first := true
	k = 0
	for c, kd := range m.kinds {
		if kd != binary {
			continue
		}
		if first {
			bw.WriteString("Binaries\n")
			first = false
		}
		if k > 0 && k%termsPerLine == 0 {
			bw.WriteString("\n")
		}
		bw.WriteString(" " + m.names[c])
		k++
	}
	if !first {
		bw.WriteString("\n")
	}
	bw.WriteString("End\n")
	return bw.Flush()
}

func writeTerm(bw *bufio.Writer, coef int64, name string, k *int) {
	if *k > 0 && *k%termsPerLine == 0 {
		bw.WriteString("\n  ")
	}
	*k++
	if coef < 0 {
		bw.WriteString(" - " + strconv.FormatUint(uint64(-coef), 10) + " " + name)
	} else {
		bw.WriteString(" + " + strconv.FormatInt(coef, 10) + " " + name)
	}
}

// oneLine keeps a comment on one line.
func oneLine(s string) string {
	return strings.NewReplacer("\n", " ", "\r", " ").Replace(s)
}
