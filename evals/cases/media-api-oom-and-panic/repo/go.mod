module example.com/gallery-api

go 1.23
