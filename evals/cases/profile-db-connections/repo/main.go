package main

import (
	"context"
	"log/slog"
	"net/http"
	"os"

	"github.com/jackc/pgx/v5/pgxpool"
)

func main() {
	ctx := context.Background()
	pool, err := pgxpool.New(ctx, os.Getenv("DATABASE_URL"))
	if err != nil {
		slog.Error("db config", "err", err)
		os.Exit(1)
	}
	defer pool.Close()

	h := &handlers{db: pool}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /v1/profiles/{id}", h.getProfile)
	mux.HandleFunc("PATCH /v1/profiles/{id}", h.patchProfile)
	slog.Info("profile-api listening", "port", os.Getenv("PORT"))
	if err := http.ListenAndServe(":"+os.Getenv("PORT"), mux); err != nil {
		slog.Error("server", "err", err)
		os.Exit(1)
	}
}
