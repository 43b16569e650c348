package main

import (
	"bytes"
	"context"
	"encoding/csv"
	"io"
	"log/slog"
	"os"

	"cloud.google.com/go/storage"
)

func main() {
	ctx := context.Background()
	client, err := storage.NewClient(ctx)
	if err != nil {
		slog.Error("storage client", "err", err)
		os.Exit(1)
	}
	obj := client.Bucket(os.Getenv("FEED_BUCKET")).Object(os.Getenv("FEED_OBJECT"))
	r, err := obj.NewReader(ctx)
	if err != nil {
		slog.Error("open feed", "err", err)
		os.Exit(1)
	}
	defer r.Close()
	slog.Info("downloading feed", "object", obj.ObjectName(), "bytes", r.Attrs.Size)
	data, err := io.ReadAll(r)
	if err != nil {
		slog.Error("read feed", "err", err)
		os.Exit(1)
	}
	records, err := csv.NewReader(bytes.NewReader(data)).ReadAll()
	if err != nil {
		slog.Error("parse feed", "err", err)
		os.Exit(1)
	}
	slog.Info("parsed feed", "records", len(records))
	if err := upsert(ctx, records[1:]); err != nil {
		slog.Error("upsert", "err", err)
		os.Exit(1)
	}
	slog.Info("import done", "records", len(records)-1)
}
