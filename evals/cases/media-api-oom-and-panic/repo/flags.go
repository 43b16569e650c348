package main

import (
	"encoding/json"
	"log"
	"net/http"
	"sync"
	"time"
)

type flagStore struct {
	url       string
	mu        sync.RWMutex
	overrides map[string]bool
}

type flagDoc struct {
	Defaults  map[string]bool `json:"defaults"`
	Overrides map[string]bool `json:"overrides"`
}

func newFlagStore(url string) *flagStore { return &flagStore{url: url, overrides: map[string]bool{}} }

func (s *flagStore) refreshEvery(every time.Duration) {
	for range time.Tick(every) {
		resp, err := http.Get(s.url)
		if err != nil {
			log.Printf("flag refresh: %v", err)
			continue
		}
		var doc flagDoc
		json.NewDecoder(resp.Body).Decode(&doc)
		resp.Body.Close()
		s.mu.Lock()
		s.overrides = doc.Overrides
		for k, v := range doc.Defaults {
			s.overrides[k] = v
		}
		s.mu.Unlock()
	}
}
