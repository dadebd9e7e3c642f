package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/roundtable-go/roundtable/benchmarks/families"
	"github.com/roundtable-go/roundtable/model"
)

func TestBadFlags(t *testing.T) {
	for _, args := range [][]string{
		{"-family", "nope"},
		{"-n", "x"},
		{"-n", "-5"},
		{"-n", "20000000"},
		{"-seed", "-1"},
		{"-bogus"},
		{"-family", "flanders", "extra"},
	} {
		var stdout, stderr bytes.Buffer
		if code := run(args, &stdout, &stderr); code != exitUsage {
			t.Errorf("%q: exit %d, want %d", args, code, exitUsage)
		}
		if stdout.Len() > 0 || stderr.Len() == 0 {
			t.Errorf("%q: %d bytes out, stderr %q", args, stdout.Len(), stderr.String())
		}
	}
}

func TestWrite(t *testing.T) {
	var stdout, stderr bytes.Buffer
	if code := run([]string{"-family", "flanders", "-seed", "4", "-n", "500"}, &stdout, &stderr); code != exitOK {
		t.Fatalf("exit %d: %s", code, stderr.String())
	}
	ev, err := model.DecodeEvent(&stdout)
	if err != nil {
		t.Fatal(err)
	}
	if err := ev.Validate(); err != nil {
		t.Fatal(err)
	}
	want, err := families.GenerateN("flanders", 4, 500)
	if err != nil {
		t.Fatal(err)
	}
	if ev.Name != want.Name || len(ev.Participants) != 500 {
		t.Errorf("event %q with %d participants, want %q with 500", ev.Name, len(ev.Participants), want.Name)
	}

	path := filepath.Join(t.TempDir(), "kennisdag.json")
	if code := run([]string{"-o", path}, &stdout, &stderr); code != exitOK {
		t.Fatalf("exit %d: %s", code, stderr.String())
	}
	got, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	def, _ := families.Generate("kennisdag", 1)
	if err := model.EncodeEvent(&b, def); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, b.Bytes()) {
		t.Error("-o file differs from the encoded Generate(kennisdag, 1)")
	}

	stderr.Reset()
	if code := run([]string{"-o", filepath.Join(t.TempDir(), "no", "such", "dir.json")}, &stdout, &stderr); code != exitError {
		t.Errorf("unwritable -o: exit %d, want %d", code, exitError)
	}
	if !strings.HasPrefix(stderr.String(), "genevent: ") {
		t.Errorf("stderr %q", stderr.String())
	}
}
