module tykfields

go 1.22
