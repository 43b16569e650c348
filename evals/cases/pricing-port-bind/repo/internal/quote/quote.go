package quote

import (
	"encoding/json"
	"net/http"
	"strconv"

	"example.com/pricing/internal/config"
)

func Handler(cfg config.Config) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		amount, err := strconv.ParseFloat(r.URL.Query().Get("amount"), 64)
		if err != nil {
			http.Error(w, "amount must be a number", http.StatusBadRequest)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(map[string]any{"base": cfg.CurrencyBase, "amount": amount, "tax": amount * 0.1})
	}
}
