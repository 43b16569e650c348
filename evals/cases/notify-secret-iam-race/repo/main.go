package main

import (
	"log"
	"net/http"
	"os"
)

func main() {
	slack := os.Getenv("SLACK_WEBHOOK_URL")
	if slack == "" {
		log.Fatal("SLACK_WEBHOOK_URL is not set")
	}
	n := &notifier{slackURL: slack, mailFrom: os.Getenv("MAIL_FROM")}
	http.HandleFunc("POST /v1/notify", n.handle)
	log.Printf("notify listening on :%s", os.Getenv("PORT"))
	log.Fatal(http.ListenAndServe(":"+os.Getenv("PORT"), nil))
}
