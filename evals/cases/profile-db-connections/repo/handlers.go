package main

import (
	"encoding/json"
	"log/slog"
	"net/http"

	"github.com/jackc/pgx/v5/pgxpool"
)

type handlers struct{ db *pgxpool.Pool }

type profile struct {
	ID          string `json:"id"`
	DisplayName string `json:"display_name"`
	Locale      string `json:"locale"`
}

func (h *handlers) getProfile(w http.ResponseWriter, r *http.Request) {
	var p profile
	err := h.db.QueryRow(r.Context(), "SELECT id, display_name, locale FROM profiles WHERE id = $1", r.PathValue("id")).
		Scan(&p.ID, &p.DisplayName, &p.Locale)
	if err != nil {
		slog.ErrorContext(r.Context(), "load profile", "id", r.PathValue("id"), "err", err)
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	json.NewEncoder(w).Encode(p)
}

func (h *handlers) patchProfile(w http.ResponseWriter, r *http.Request) {
	var p profile
	if err := json.NewDecoder(r.Body).Decode(&p); err != nil {
		http.Error(w, "bad json", http.StatusBadRequest)
		return
	}
	if _, err := h.db.Exec(r.Context(), "UPDATE profiles SET display_name = $2, locale = $3 WHERE id = $1",
		r.PathValue("id"), p.DisplayName, p.Locale); err != nil {
		slog.ErrorContext(r.Context(), "update profile", "id", r.PathValue("id"), "err", err)
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}
