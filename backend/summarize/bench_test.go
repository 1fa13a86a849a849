package summarize

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/sessions-app/sessions/backend/chat"
)

// benchPhrases are the building blocks of the generated sessions, per
// language: greetings, requests, replies and closings.
var benchPhrases = map[string][4][]string{
	"en": {
		{"Hi!", "Hello", "Good morning", "hey there"},
		{"Is the %s still in stock?", "My %s arrived broken, what can I do?", "Can I change the delivery address for my %s order?", "How much is shipping for the %s to Porto?", "I ordered a %s last week and it hasn't arrived yet"},
		{"Let me check that for you.", "Yes, we have it in stock and can ship it tomorrow.", "I'm sorry to hear that, could you send a photo of the %s?", "Your order number please?", "Done, the address is updated.", "Unfortunately the %s is sold out until next month."},
		{"Thanks, that solved it!", "Perfect, thank you so much 😊", "This is unacceptable, I want a refund 😡", "ok", "Still not working, really disappointed."},
	},
	"es": {
		{"Hola", "Buenas tardes", "Buenos días"},
		{"¿Tienen el %s en color rojo?", "El %s que compré no funciona", "¿Cuánto cuesta el envío del %s?", "Quiero devolver el %s"},
		{"Lo reviso ahora mismo.", "Sí, nos quedan dos unidades.", "Lamento la molestia, ¿me envía una foto del %s?", "El envío cuesta 5 euros."},
		{"¡Muchas gracias, excelente atención!", "Genial, ya funciona 👍", "Pésimo servicio, nunca más compro aquí", "vale"},
	},
	"de": {
		{"Hallo", "Guten Tag", "Moin"},
		{"Ist der %s noch verfügbar?", "Mein %s funktioniert nicht", "Wann kommt mein %s an?", "Ich möchte den %s zurückgeben"},
		{"Ich schaue sofort nach.", "Ja, der %s ist verfügbar.", "Das tut mir leid, wir schicken Ersatz.", "Er kommt morgen an."},
		{"Super, vielen Dank!", "Das ist inakzeptabel 😠", "Perfekt, danke 🙏", "ok"},
	},
	"fr": {
		{"Bonjour", "Bonsoir", "Salut"},
		{"Est-ce que le %s est disponible ?", "Mon %s ne marche pas", "Combien coûte la livraison du %s ?", "Je voudrais retourner le %s"},
		{"Je vérifie tout de suite.", "Oui, il nous en reste deux.", "Désolé, pouvez-vous envoyer une photo du %s ?", "La livraison coûte 5 euros."},
		{"Merci beaucoup, service génial !", "Ce n'est pas bon du tout 😡", "Parfait, merci 😊", "d'accord"},
	},
	"pt": {
		{"Olá", "Bom dia", "Oi"},
		{"Vocês têm o %s em azul?", "O %s que comprei não funciona", "Quanto custa o frete do %s?", "Quero devolver o %s"},
		{"Vou verificar agora.", "Temos sim, duas unidades.", "Sinto muito, pode enviar uma foto do %s?", "O frete custa 5 euros."},
		{"Muito obrigado, ótimo atendimento!", "Péssimo, não gosto nada disso 👎", "Perfeito, adorei ❤️", "ok"},
	},
}

var benchProducts = []string{"teapot", "backpack", "charger", "lamp", "coffee machine", "sofa", "bike", "headphones", "table", "jacket"}

// benchSessions generates n sessions of about 12 messages (10 to 14) in
// the five languages, deterministically.
func benchSessions(n int) [][]Message {
	rng := rand.New(rand.NewPCG(1, 2))
	langs := []string{"en", "es", "de", "fr", "pt"}
	pick := func(s []string) string { return s[rng.IntN(len(s))] }
	out := make([][]Message, n)
	for i := range out {
		p := benchPhrases[langs[i%len(langs)]]
		product := pick(benchProducts)
		at := time.Date(2024, 1, 1, 8, 0, 0, 0, time.UTC).Add(time.Duration(i) * time.Hour)
		size := 10 + rng.IntN(5)
		msgs := make([]Message, 0, size)
		add := func(role chat.Role, author, body string) {
			if strings.Contains(body, "%s") {
				body = fmt.Sprintf(body, product)
			}
			msgs = append(msgs, Message{At: at, Author: author, Role: role, Kind: chat.KindText, Body: body})
			at = at.Add(time.Duration(1+rng.IntN(5)) * time.Minute)
		}
		add(chat.RoleCustomer, "Customer", pick(p[0]))
		add(chat.RoleCustomer, "Customer", pick(p[1]))
		for len(msgs) < size-1 {
			add(chat.RoleAgent, "Agent Smith", pick(p[2]))
			add(chat.RoleCustomer, "Customer", pick(p[1]))
		}
		add(chat.RoleCustomer, "Customer", pick(p[3]))
		out[i] = msgs
	}
	return out
}

// BenchmarkBuiltin summarizes 10,000 generated sessions of about 12
// messages per iteration (so that `make bench`'s -benchtime=1x still
// measures something) and reports sessions/s; the target is 2,000/s.
func BenchmarkBuiltin(b *testing.B) {
	sessions := benchSessions(10_000)
	ctx := context.Background()
	var s Builtin
	b.ReportAllocs()
	n := 0
	for b.Loop() {
		for _, msgs := range sessions {
			if _, err := s.Summarize(ctx, msgs); err != nil {
				b.Fatal(err)
			}
		}
		n += len(sessions)
	}
	b.ReportMetric(float64(n)/b.Elapsed().Seconds(), "sessions/s")
}

// BenchmarkContentHash hashes the same sessions.
func BenchmarkContentHash(b *testing.B) {
	sessions := benchSessions(10_000)
	n := 0
	for b.Loop() {
		for _, msgs := range sessions {
			ContentHash(msgs)
		}
		n += len(sessions)
	}
	b.ReportMetric(float64(n)/b.Elapsed().Seconds(), "sessions/s")
}
