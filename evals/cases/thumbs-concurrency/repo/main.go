package main

import (
	"log"
	"net/http"
	"os"
)

func main() {
	http.HandleFunc("POST /v1/thumbnails", thumbnailHandler)
	http.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusOK) })
	port := os.Getenv("PORT")
	log.Printf("thumbnailer listening on :%s", port)
	log.Fatal(http.ListenAndServe(":"+port, nil))
}
