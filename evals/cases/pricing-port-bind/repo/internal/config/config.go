package config

import (
	"flag"
	"os"
)

type Config struct {
	ListenAddr   string
	RatesBucket  string
	CurrencyBase string
}

func Load() Config {
	var cfg Config
	flag.StringVar(&cfg.ListenAddr, "listen", "127.0.0.1:8080", "address to listen on")
	flag.StringVar(&cfg.RatesBucket, "rates-bucket", os.Getenv("RATES_BUCKET"), "GCS bucket with FX rates")
	flag.StringVar(&cfg.CurrencyBase, "base", "JPY", "base currency")
	flag.Parse()
	return cfg
}
