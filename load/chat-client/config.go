package main

import (
	"encoding/json"
	"os"
)

// config is the file run.mjs writes for a messaging run, shared by every client process.
type config struct {
	APIURL          string         `json:"apiUrl"`
	WSURL           string         `json:"wsUrl"`
	BarrierURL      string         `json:"barrierUrl"`
	Rounds          []round        `json:"rounds"`
	Senders         map[string]int `json:"senders"` // group field → how many users send in that group size
	Population      int            `json:"population"`
	StepMs          int64          `json:"stepMs"`
	DrainMs         int64          `json:"drainMs"`
	LimitMs         float64        `json:"limitMs"`
	ConnectSpreadMs int64          `json:"connectSpreadMs"`
}

// round is one step: an HTTP baseline (kind "http", GET path) or sends into chats (kind "send").
type round struct {
	Key    string  `json:"key"`
	Kind   string  `json:"kind"`
	Path   string  `json:"path"`
	Group  string  `json:"group"`
	Rate   float64 `json:"rate"`
	Offset int     `json:"offset"`
}

// user is one member of the run: its socket, its token, and its chat and slot in each group size.
type user struct {
	Index      int    `json:"index"` // position in the whole population, for the baselines' schedule
	ID         string `json:"id"`
	Token      string `json:"token"`
	Small      string `json:"small"`
	SmallIndex int    `json:"smallIndex"`
	Big        string `json:"big"`
	BigIndex   int    `json:"bigIndex"`
}

// chatIn is the user's chat and slot for a group size (slot −1: not a sender there).
func (u *user) chatIn(group string) (string, int) {
	switch group {
	case "small":
		return u.Small, u.SmallIndex
	case "big":
		return u.Big, u.BigIndex
	}
	return "", -1
}

func readJSON(path string, into any) error {
	data, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	return json.Unmarshal(data, into)
}
