package main

import (
	"bytes"
	"encoding/json"
	"net/http"
)

type notifier struct {
	slackURL string
	mailFrom string
}

type message struct {
	Channel string `json:"channel"`
	Text    string `json:"text"`
}

func (n *notifier) handle(w http.ResponseWriter, r *http.Request) {
	var m message
	if err := json.NewDecoder(r.Body).Decode(&m); err != nil {
		http.Error(w, "bad json", http.StatusBadRequest)
		return
	}
	body, _ := json.Marshal(map[string]string{"text": m.Text})
	resp, err := http.Post(n.slackURL, "application/json", bytes.NewReader(body))
	if err != nil {
		http.Error(w, "slack unreachable", http.StatusBadGateway)
		return
	}
	resp.Body.Close()
	w.WriteHeader(http.StatusAccepted)
}
