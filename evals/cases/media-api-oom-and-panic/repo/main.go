package main

import (
	"log"
	"net/http"
	"os"
	"time"
)

func main() {
	flags := newFlagStore(os.Getenv("CONFIG_URL"))
	go flags.refreshEvery(10 * time.Minute)

	api := &api{photos: newPhotoStore(os.Getenv("PHOTO_BUCKET")), flags: flags}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /v1/albums/{id}", api.album)
	mux.HandleFunc("GET /v1/albums/{id}/zip", api.albumZip)
	log.Printf("gallery-api listening on :%s", os.Getenv("PORT"))
	log.Fatal(http.ListenAndServe(":"+os.Getenv("PORT"), mux))
}
