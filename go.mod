module github.com/roundtable-go/roundtable

go 1.26
