package store

import (
	"context"
	"math/rand/v2"
	"slices"
	"testing"
	"time"
)

// BenchmarkThreadPage reads pages of 500 messages at random places of one
// conversation of 200,000 messages in 2,000 sessions (a busy WhatsApp
// chat), with the sessions each page touches: what opening a long thread
// at a session costs. Reports p50/p99 in ms.
//
//	go test -run '^$' -bench ThreadPage -benchtime 1x ./backend/store/
func BenchmarkThreadPage(b *testing.B) {
	ctx := context.Background()
	st, err := Open(ctx, b.TempDir())
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	const messages, perSession = 200_000, 100
	start := time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC).UnixMilli()
	at := func(i int) int64 { return start + int64(i/perSession)*86_400_000*2 + int64(i%perSession)*60_000 }
	var conv int64
	err = st.Update(ctx, func(tx *Tx) error {
		cid, err := tx.CreateContact(ctx, Contact{Name: "Busy Customer"}, "whatsapp", "busy", 1)
		if err != nil {
			return err
		}
		if conv, err = tx.CreateConversation(ctx, Conversation{Channel: "whatsapp", ExternalKey: "busy", ContactID: cid, Title: "Busy"}, 1); err != nil {
			return err
		}
		ins, err := tx.MessageInserter(ctx, conv, 0)
		if err != nil {
			return err
		}
		for i := range messages {
			if _, err := ins.Insert(Message{At: at(i), Author: "Busy Customer", Role: "customer", Kind: "text", Body: "a message of a long thread", Hash: int64(i)}); err != nil {
				return err
			}
		}
		if err := ins.Close(); err != nil {
			return err
		}
		for s := 0; s < messages/perSession; s++ {
			sp := SessionSpan{StartedAt: at(s * perSession), LastMessageAt: at(s*perSession + perSession - 1), GapMS: 86_400_000, MessageCount: perSession}
			if _, err := tx.InsertSession(ctx, conv, cid, "whatsapp", sp, 1); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
	r := rand.New(rand.NewPCG(1, 2))
	var times []time.Duration
	b.ResetTimer()
	for range b.N {
		for range 200 {
			i := r.IntN(messages)
			t0 := time.Now()
			page, err := st.ConversationMessages(ctx, conv, MessagePage{After: &MessagePos{At: at(i) - 1, ID: 1<<63 - 1}, Limit: 501})
			if err != nil || len(page) == 0 {
				b.Fatalf("page at %d: %d messages, %v", i, len(page), err)
			}
			if _, err := st.SessionsInSpan(ctx, conv, page[0].At, page[len(page)-1].At); err != nil {
				b.Fatal(err)
			}
			times = append(times, time.Since(t0))
		}
	}
	slices.Sort(times)
	b.ReportMetric(float64(times[len(times)/2].Microseconds())/1000, "p50-ms")
	b.ReportMetric(float64(times[len(times)*99/100].Microseconds())/1000, "p99-ms")
	b.ReportMetric(0, "ns/op")
}
