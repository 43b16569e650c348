package main

import (
	"log/slog"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"context"
	"time"
)

func main() {
	logger := slog.New(slog.NewJSONHandler(os.Stdout, nil))
	slog.SetDefault(logger)
	store := newStore(os.Getenv("FIRESTORE_PROJECT"))
	mux := http.NewServeMux()
	mux.HandleFunc("GET /v1/products", store.listProducts)
	mux.HandleFunc("GET /v1/products/{sku}", store.getProduct)
	mux.HandleFunc("POST /v1/carts/{id}/items", store.addToCart)
	srv := &http.Server{Addr: ":" + os.Getenv("PORT"), Handler: mux, ReadHeaderTimeout: 5 * time.Second}

	go func() {
		if err := srv.ListenAndServe(); err != nil && err != http.ErrServerClosed {
			slog.Error("listen", "err", err)
			os.Exit(1)
		}
	}()
	stop := make(chan os.Signal, 1)
	signal.Notify(stop, syscall.SIGTERM, os.Interrupt)
	<-stop
	ctx, cancel := context.WithTimeout(context.Background(), 8*time.Second)
	defer cancel()
	srv.Shutdown(ctx)
}
