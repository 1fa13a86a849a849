// Package synth generates synthetic data for benchmarks and load tests,
// deterministic from a seed, with no real person's data in them: exports
// realistic in shape (authors, sessions separated by gaps of hours or days,
// multi-line messages, media placeholders, system lines), and sessions as
// the search index takes them (names, emails, summaries, labels, fields).
// It is no part of the shipped program: only tests import it.
package synth

import (
	"bufio"
	"errors"
	"io"
	"math/rand/v2"
	"strconv"
	"time"
)

// WhatsAppOptions configures WriteWhatsApp.
type WhatsAppOptions struct {
	// Messages is the number of messages (headers, system lines included) to write.
	Messages int
	// Seed makes the output deterministic: the same options give the same bytes.
	Seed int64
	// Start is the wall-clock time of the first message; zero means 2021-03-01 09:00.
	Start time.Time
	// Customer is the contact's display name; empty means "Customer".
	Customer string
	// IOS writes the iOS layout: "[DD/MM/YYYY, HH:MM:SS] Name: text", CRLF
	// line ends, U+200E before media placeholders and system notices that
	// carry the chat name as author.
	IOS bool
	// MonthFirst writes dates as MM/DD/YYYY (en-US) instead of DD/MM/YYYY.
	MonthFirst bool
}

// The two agents answering the customer.
var agents = [2]string{"Sofia (Support)", "Marco Bianchi"}

var customerLines = []string{
	"Hi, I ordered a pair of running shoes last week and they still haven't arrived",
	"Good morning! Is the shop open on Sunday?",
	"Can you tell me the status of order 48213?",
	"The package arrived but the box was damaged, what should I do?",
	"I would like to change the delivery address please",
	"Thanks, that's great",
	"Do you ship to Switzerland as well?",
	"The size 42 is too small, can I exchange it for a 43?",
	"ok",
	"Perfect, thank you very much for the quick answer! 🙏",
	"I paid twice by mistake, could you refund one of the payments?",
	"When will the blue model be back in stock?",
	"Is there a discount code for returning customers?",
	"yes",
	"Still waiting for the tracking number…",
	"Hello, I received an email saying my parcel could not be delivered because nobody was home, but I was at home all day. Can you check?",
	"My card was charged but the website says the payment failed, can you confirm whether the order went through?",
}

var agentLines = []string{
	"Hello! Thanks for reaching out, let me check that for you.",
	"Your order has shipped today, the tracking number is 1Z999AA10123456784.",
	"I'm sorry about that. Could you send us a photo of the damaged box?",
	"Sure, I've updated the delivery address on your order.",
	"We're open Monday to Saturday, 9:00 to 19:00.",
	"Yes, we ship to Switzerland; delivery takes 3 to 5 working days.",
	"Of course, I've started the exchange. You'll receive a return label by email.",
	"The refund has been issued and should appear within 5 working days.",
	"Is there anything else I can help you with?",
	"You're welcome, have a nice day!",
	"The blue model should be back in stock by the end of the month.",
	"Let me forward this to our warehouse team, I'll get back to you shortly.",
	"I can see that the courier attempted delivery at 14:05. I've booked a second attempt for tomorrow between 9:00 and 13:00; you can also pick it up at the depot.",
	"The payment went through correctly, the error page was a temporary glitch on our side. You will receive the confirmation email within the hour.",
}

var continuationLines = []string{
	"Order number: 48213",
	"Thanks in advance",
	"",
	"Best regards",
	"Street: Via Roma 12, 20121 Milano",
}

var systemLines = []string{
	"Messages and calls are end-to-end encrypted. No one outside of this chat, not even WhatsApp, can read or listen to them. Tap to learn more.",
	"Your security code with %s changed. Tap to learn more.",
	"%s changed their phone number to a new number. Tap to message or add the new number.",
}

// WriteWhatsApp writes a synthetic WhatsApp export of opts.Messages messages
// to w: a customer and two agents in sessions separated by gaps of hours or
// days, about 100 bytes per message, with multi-line messages, media
// placeholders and system lines. The Android layout is
// "DD/MM/YYYY, HH:MM - Name: text" with LF line ends. It returns the number
// of messages written.
func WriteWhatsApp(w io.Writer, opts WhatsAppOptions) (int, error) {
	if opts.Messages < 0 {
		return 0, errors.New("synth: negative message count")
	}
	customer := opts.Customer
	if customer == "" {
		customer = "Customer"
	}
	t := opts.Start
	if t.IsZero() {
		t = time.Date(2021, 3, 1, 9, 0, 0, 0, time.UTC)
	}
	rng := rand.New(rand.NewPCG(uint64(opts.Seed), 0x5e55_1025))
	bw := bufio.NewWriterSize(w, 256<<10)
	eol := "\n"
	if opts.IOS {
		eol = "\r\n"
	}
	var buf []byte
	agent := agents[0]
	inSession := 0 // messages left in the current session
	for n := 0; n < opts.Messages; n++ {
		// Time: a new session after a gap of hours or days, else seconds to minutes.
		if inSession == 0 {
			if n > 0 {
				if rng.IntN(3) == 0 {
					t = t.Add(time.Duration(1+rng.IntN(5)) * 24 * time.Hour)
				}
				t = t.Add(time.Duration(2+rng.IntN(20))*time.Hour + time.Duration(rng.IntN(60))*time.Minute)
			}
			inSession = 3 + rng.IntN(25)
			agent = agents[rng.IntN(2)]
		} else {
			t = t.Add(time.Duration(10+rng.IntN(600)) * time.Second)
		}
		inSession--

		buf = buf[:0]
		if opts.IOS {
			buf = append(buf, '[')
		}
		buf = appendDate(buf, t, opts.IOS, opts.MonthFirst)
		if opts.IOS {
			buf = append(buf, "] "...)
		} else {
			buf = append(buf, " - "...)
		}

		roll := rng.IntN(1000)
		author := customer
		if rng.IntN(2) == 0 {
			author = agent
		}
		switch {
		case roll < 5: // system line
			s := systemLines[rng.IntN(len(systemLines))]
			if i := indexVerb(s); i >= 0 {
				s = s[:i] + customer + s[i+2:]
			}
			if opts.IOS {
				buf = append(buf, customer...)
				buf = append(buf, ": \u200e"...)
			}
			buf = append(buf, s...)
		case roll < 40: // media
			buf = append(buf, author...)
			buf = append(buf, ": "...)
			if opts.IOS {
				buf = append(buf, "\u200eimage omitted"...)
			} else {
				buf = append(buf, "<Media omitted>"...)
			}
		default:
			buf = append(buf, author...)
			buf = append(buf, ": "...)
			if author == customer {
				buf = append(buf, customerLines[rng.IntN(len(customerLines))]...)
			} else {
				buf = append(buf, agentLines[rng.IntN(len(agentLines))]...)
			}
			if roll >= 940 { // multi-line
				for k := 1 + rng.IntN(3); k > 0; k-- {
					buf = append(buf, eol...)
					buf = append(buf, continuationLines[rng.IntN(len(continuationLines))]...)
				}
			}
		}
		buf = append(buf, eol...)
		if _, err := bw.Write(buf); err != nil {
			return n, err
		}
	}
	if err := bw.Flush(); err != nil {
		return opts.Messages, err
	}
	return opts.Messages, nil
}

// appendDate writes "DD/MM/YYYY, HH:MM" (MM/DD/YYYY when monthFirst; with
// ":SS" when seconds).
func appendDate(b []byte, t time.Time, seconds, monthFirst bool) []byte {
	y, mo, d := t.Date()
	first, second := d, int(mo)
	if monthFirst {
		first, second = second, first
	}
	b = append2(b, first)
	b = append(b, '/')
	b = append2(b, second)
	b = append(b, '/')
	b = strconv.AppendInt(b, int64(y), 10)
	b = append(b, ", "...)
	b = append2(b, t.Hour())
	b = append(b, ':')
	b = append2(b, t.Minute())
	if seconds {
		b = append(b, ':')
		b = append2(b, t.Second())
	}
	return b
}

func append2(b []byte, v int) []byte {
	return append(b, byte('0'+v/10), byte('0'+v%10))
}

func indexVerb(s string) int {
	for i := 0; i+1 < len(s); i++ {
		if s[i] == '%' && s[i+1] == 's' {
			return i
		}
	}
	return -1
}
