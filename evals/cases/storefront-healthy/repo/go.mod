module example.com/storefront-api

go 1.23
