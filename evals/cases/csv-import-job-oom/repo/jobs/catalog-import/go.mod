module example.com/catalog-import

go 1.23

require (
	cloud.google.com/go/spanner v1.73.0
	cloud.google.com/go/storage v1.47.0
)
