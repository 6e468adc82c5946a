package main

import (
	"io"
	"net/http"
	"strconv"
	"time"
)

const jsonDoc = `{"id":42,"status":"ok","items":[{"sku":"KIT-1","price":1250.5},{"sku":"P-7","price":99.9}]}`

func newHandler(delay time.Duration) http.Handler {
	mux := http.NewServeMux()
	wait := func(r *http.Request, d time.Duration) bool {
		if d <= 0 {
			return true
		}
		t := time.NewTimer(d)
		defer t.Stop()
		select {
		case <-t.C:
			return true
		case <-r.Context().Done():
			return false
		}
	}
	mux.HandleFunc("GET /{$}", func(w http.ResponseWriter, r *http.Request) {
		if wait(r, delay) {
			w.Header().Set("Content-Type", "text/plain")
			_, _ = io.WriteString(w, "hello from target\n")
		}
	})
	mux.HandleFunc("GET /json", func(w http.ResponseWriter, r *http.Request) {
		if wait(r, delay) {
			w.Header().Set("Content-Type", "application/json")
			_, _ = io.WriteString(w, jsonDoc)
		}
	})
	mux.HandleFunc("GET /delay", func(w http.ResponseWriter, r *http.Request) {
		ms, _ := strconv.Atoi(r.URL.Query().Get("ms"))
		if wait(r, time.Duration(ms)*time.Millisecond) {
			_, _ = io.WriteString(w, "ok\n")
		}
	})
	mux.HandleFunc("/status/{code}", func(w http.ResponseWriter, r *http.Request) {
		code, err := strconv.Atoi(r.PathValue("code"))
		if err != nil || code < 100 || code > 599 {
			http.Error(w, "bad status code", http.StatusBadRequest)
			return
		}
		w.WriteHeader(code)
	})
	mux.HandleFunc("/echo", func(w http.ResponseWriter, r *http.Request) {
		if ct := r.Header.Get("Content-Type"); ct != "" {
			w.Header().Set("Content-Type", ct)
		}
		_, _ = io.Copy(w, r.Body)
	})
	mux.HandleFunc("GET /cookies/set", func(w http.ResponseWriter, r *http.Request) {
		for k, v := range r.URL.Query() {
			http.SetCookie(w, &http.Cookie{Name: k, Value: v[0], Path: "/"})
		}
		w.WriteHeader(http.StatusNoContent)
	})
	mux.HandleFunc("GET /cookies", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain")
		for _, c := range r.Cookies() {
			_, _ = io.WriteString(w, c.Name+"="+c.Value+"\n")
		}
	})
	return mux
}
