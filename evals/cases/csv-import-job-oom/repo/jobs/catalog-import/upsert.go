package main

import (
	"context"
	"os"

	"cloud.google.com/go/spanner"
)

func upsert(ctx context.Context, records [][]string) error {
	client, err := spanner.NewClient(ctx, os.Getenv("SPANNER_DB"))
	if err != nil {
		return err
	}
	defer client.Close()
	batch := make([]*spanner.Mutation, 0, 500)
	for _, rec := range records {
		batch = append(batch, spanner.InsertOrUpdate("products", []string{"sku", "name", "price_jpy"}, []any{rec[0], rec[1], rec[2]}))
		if len(batch) == cap(batch) {
			if _, err := client.Apply(ctx, batch); err != nil {
				return err
			}
			batch = batch[:0]
		}
	}
	_, err = client.Apply(ctx, batch)
	return err
}
