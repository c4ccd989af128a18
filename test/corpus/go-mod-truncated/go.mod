module example.com/cut

go 1.22

require github.com/a/b v1.