module example.com/thumbnailer

go 1.23

require golang.org/x/image v0.22.0
