package main

import (
	"archive/zip"
	"bytes"
	"net/http"
)

func (a *api) albumZip(w http.ResponseWriter, r *http.Request) {
	photos, err := a.photos.list(r.Context(), r.PathValue("id"))
	if err != nil {
		http.Error(w, "album not found", http.StatusNotFound)
		return
	}
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, p := range photos {
		f, _ := zw.Create(p.Name)
		data, err := a.photos.read(r.Context(), p.Name)
		if err != nil {
			http.Error(w, "read failed", http.StatusBadGateway)
			return
		}
		f.Write(data)
	}
	zw.Close()
	w.Header().Set("Content-Type", "application/zip")
	w.Write(buf.Bytes())
}
