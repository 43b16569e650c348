package main

import (
	"encoding/json"
	"net/http"
)

type store struct{ project string }

func newStore(project string) *store { return &store{project: project} }

func (s *store) listProducts(w http.ResponseWriter, r *http.Request) {
	json.NewEncoder(w).Encode(map[string]any{"items": []any{}, "next": ""})
}

func (s *store) getProduct(w http.ResponseWriter, r *http.Request) {
	if r.PathValue("sku") == "" {
		http.NotFound(w, r)
		return
	}
	json.NewEncoder(w).Encode(map[string]any{"sku": r.PathValue("sku")})
}

func (s *store) addToCart(w http.ResponseWriter, r *http.Request) {
	w.WriteHeader(http.StatusCreated)
}
