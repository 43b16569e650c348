package main

import (
	"image"
	_ "image/jpeg"
	"image/png"
	"net/http"
	"strconv"

	"golang.org/x/image/draw"
)

func thumbnailHandler(w http.ResponseWriter, r *http.Request) {
	src, _, err := image.Decode(http.MaxBytesReader(w, r.Body, 20<<20))
	if err != nil {
		http.Error(w, "not an image", http.StatusBadRequest)
		return
	}
	width, _ := strconv.Atoi(r.URL.Query().Get("w"))
	if width <= 0 || width > 2048 {
		width = 320
	}
	b := src.Bounds()
	dst := image.NewRGBA(image.Rect(0, 0, width, b.Dy()*width/b.Dx()))
	draw.CatmullRom.Scale(dst, dst.Bounds(), src, b, draw.Over, nil)
	w.Header().Set("Content-Type", "image/png")
	png.Encode(w, dst)
}
