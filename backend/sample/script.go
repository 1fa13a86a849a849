package sample

// The sample library's people and what they say. Everyone here is made up:
// the shop, its staff, its customers (their addresses are under the
// reserved example.com, example.org and example.net), their orders.

// Shop is the fictional business the sample library belongs to.
const Shop = "Fernhill Plants"

// The business's side.
const (
	agentMaya  = "Maya (Fernhill)"
	agentJonas = "Jonas Brandt"
	bot        = "Fernhill Assistant"
)

// customer is one contact of the sample, with the conversation held on
// one channel.
type customer struct {
	name, email, phone string
	channel            string
	// topics are played in turn, one session each; a long thread repeats
	// them sessions times.
	topics   []string
	sessions int
	// active ends the thread minutes ago, so its last session is Active.
	active bool
}

var customers = []customer{
	{name: "Ada Lindqvist", email: "ada.lindqvist@example.com", phone: "+46 70 000 01 01", channel: "whatsapp",
		topics: []string{"order", "care", "refund"}, sessions: 3},
	{name: "Tomás Ferreira", phone: "+351 910 000 202", channel: "whatsapp",
		topics: []string{"wholesale", "order", "delivery", "care", "order", "refund"}, sessions: 80},
	{name: "Grace Okafor", email: "grace.okafor@example.org", channel: "whatsapp",
		topics: []string{"delivery", "handoff"}, sessions: 2, active: true},
	{name: "Lukas Hoffmann", phone: "+49 151 0000 0303", channel: "whatsapp",
		topics: []string{"repot"}, sessions: 1},
	{name: "Chloé Martin", email: "chloe.martin@example.net", channel: "whatsapp",
		topics: []string{"gift", "care"}, sessions: 2},
	{name: "Priya Raman", channel: "instagram", topics: []string{"care", "order"}, sessions: 2},
	{name: "Noah Williams", channel: "instagram", topics: []string{"handoff", "refund"}, sessions: 2},
	{name: "Sofia Rossi", channel: "instagram", topics: []string{"gift"}, sessions: 1, active: true},
	{name: "Kenji Sato", channel: "instagram", topics: []string{"delivery", "care", "order"}, sessions: 3},
	{name: "Emma Dubois", email: "emma.dubois@example.com", channel: "facebook", topics: []string{"wholesale", "order"}, sessions: 2},
	{name: "Oliver Brown", channel: "facebook", topics: []string{"refund"}, sessions: 1},
	{name: "Amara Nwosu", channel: "facebook", topics: []string{"repot", "handoff"}, sessions: 2},
	{name: "Mateo García", email: "mateo.garcia@example.org", channel: "webchat",
		topics: []string{"handoff", "order"}, sessions: 2, active: true},
	{name: "Hannah Kowalski", email: "hannah.kowalski@example.net", channel: "webchat", topics: []string{"troubleshoot"}, sessions: 1},
	{name: "Yusuf Demir", email: "yusuf.demir@example.com", channel: "webchat", topics: []string{"delivery", "gift"}, sessions: 2},
	{name: "Lena Novak", email: "lena.novak@example.org", channel: "webchat", topics: []string{"care"}, sessions: 1},
}

// line is one message of a topic: who (c customer, a agent, b bot, s
// system, m customer media, d customer deleted) and the text, where
// {order}, {plant}, {date} and {value} are filled per session.
type line struct {
	who, text string
}

// topic is what a session is about: its lines and what a reviewer would
// file it under.
type topic struct {
	lines  []line
	labels []string
	// fields are custom field values (keys of fieldDefs), with the same
	// placeholders as lines.
	fields map[string]string
}

var topics = map[string]topic{
	"order": {
		lines: []line{
			{"c", "Hi! I ordered a {plant} last week, order {order}. Any news on when it ships?"},
			{"a", "Hi, thanks for waiting! Let me check order {order} for you."},
			{"a", "It left our greenhouse this morning and should arrive on {date}."},
			{"c", "Perfect, thank you 🌿"},
			{"a", "You're welcome! Send us a photo when it's settled in."},
		},
		labels: []string{"Delivery"},
		fields: map[string]string{"order_number": "{order}", "plant": "{plant}", "order_value": "{value}"},
	},
	"care": {
		lines: []line{
			{"c", "My {plant} has yellow leaves at the bottom. Am I watering it too much?"},
			{"m", "IMG-{order}.jpg"},
			{"a", "Thanks for the photo. Lower leaves turning yellow usually means the soil stays wet too long."},
			{"a", "Let the top 3 cm dry out before watering again, and make sure the pot drains."},
			{"c", "It's in a pot without holes… I'll move it today."},
			{"a", "Great idea. It should perk up within two weeks."},
		},
		labels: []string{"Plant care"},
		fields: map[string]string{"plant": "{plant}"},
	},
	"refund": {
		lines: []line{
			{"c", "Hello, my order {order} arrived with the ceramic pot cracked."},
			{"m", "IMG-{order}-pot.jpg"},
			{"c", "The plant itself is fine"},
			{"a", "I'm so sorry about that! I've started a refund of {value} € for the pot."},
			{"d", ""},
			{"c", "Thanks, that was quick. No need to send a new one."},
			{"a", "The refund shows on your card within 3–5 working days."},
		},
		labels: []string{"Refund"},
		fields: map[string]string{"order_number": "{order}", "order_value": "{value}"},
	},
	"delivery": {
		lines: []line{
			{"c", "Could you deliver order {order} on {date} instead? I'm away until then."},
			{"a", "Of course. I've moved the delivery of {order} to {date}."},
			{"c", "Thank you!"},
		},
		labels: []string{"Delivery"},
		fields: map[string]string{"order_number": "{order}", "delivery_date": "{date}"},
	},
	"wholesale": {
		lines: []line{
			{"c", "Hi, we run a café and would like 40 {plant} plants for the terrace. Do you do trade prices?"},
			{"a", "Hello! Yes, from 20 plants we give 15% off. Shall I send a quote?"},
			{"c", "Yes please, with delivery to the café."},
			{"a", "Quote {order} is in your inbox: {value} € including delivery on {date}."},
			{"c", "Looks good, we'll confirm tomorrow."},
		},
		labels: []string{"Wholesale", "VIP"},
		fields: map[string]string{"order_number": "{order}", "order_value": "{value}", "plant": "{plant}", "delivery_date": "{date}"},
	},
	"handoff": {
		lines: []line{
			{"c", "Hi, is the large {plant} back in stock?"},
			{"b", "Hi! I'm the Fernhill Assistant 🤖 The large {plant} is out of stock; the medium size is available."},
			{"c", "Can I reserve a large one for when it's back?"},
			{"b", "I can't take reservations, but I'll pass you to a colleague."},
			{"a", "Hi, Jonas here! I've put a large {plant} aside for you from the next delivery on {date}."},
			{"c", "Amazing, thanks Jonas"},
		},
		labels: []string{"Reservation"},
		fields: map[string]string{"plant": "{plant}", "delivery_date": "{date}"},
	},
	"gift": {
		lines: []line{
			{"c", "Do you sell gift cards? It's for my sister's birthday 🎁"},
			{"a", "We do! Digital cards from 20 € to 200 €, sent by email with a note."},
			{"c", "A 50 € one then, with the note \"Happy birthday, plant lady!\""},
			{"a", "Done, order {order}. It goes out on {date} at 8:00."},
		},
		labels: []string{"Gift card"},
		fields: map[string]string{"order_number": "{order}", "order_value": "50"},
	},
	"repot": {
		lines: []line{
			{"c", "My {plant} is outgrowing its pot. Do you offer repotting?"},
			{"a", "Yes, bring it in any weekday: 12 € including fresh soil."},
			{"c", "Could I come on {date}?"},
			{"a", "See you then! Ask for Maya at the counter."},
		},
		labels: []string{"Plant care"},
		fields: map[string]string{"plant": "{plant}", "delivery_date": "{date}"},
	},
	"troubleshoot": {
		lines: []line{
			{"c", "Hi, the watering sensor I bought (order {order}) keeps showing 0% even in wet soil."},
			{"a", "Sorry about that! Let's work through it. Which colour is the light on top?"},
		},
		labels: []string{"Technical"},
		fields: map[string]string{"order_number": "{order}", "order_value": "{value}"},
	},
}

// troubleshootRounds are the back-and-forth of the long web-chat session,
// played in a loop after the troubleshoot topic's opening.
var troubleshootRounds = []line{
	{"c", "It blinks green twice, then stays off."},
	{"a", "Thanks. Could you take the battery out for ten seconds and put it back?"},
	{"c", "Done, still 0%."},
	{"a", "Okay. Is the app showing the sensor as connected?"},
	{"c", "It says connected, last reading 2 minutes ago."},
	{"a", "Please push the sensor deeper, so both metal prongs are fully in the soil."},
	{"c", "Now it jumped to 12%, then back to 0."},
	{"a", "That points at the prongs. Can you wipe them with a dry cloth?"},
}

// The labels and custom fields the sample uses.
var labelColors = map[string]string{
	"Delivery": "#3e63dd", "Plant care": "#30a46c", "Refund": "#e5484d", "Wholesale": "#8e4ec6",
	"VIP": "#f76b15", "Reservation": "#0090ff", "Gift card": "#d6409f", "Technical": "#6f6e77",
}

type fieldDef struct {
	key, name, typ string
	choices        []string
}

var fieldDefs = []fieldDef{
	{"order_number", "Order number", "text", nil},
	{"order_value", "Order value (€)", "number", nil},
	{"delivery_date", "Delivery date", "date", nil},
	{"plant", "Plant", "choice", []string{"Monstera", "Fern", "Fiddle-leaf fig", "Snake plant", "Orchid", "Olive tree"}},
}

var plants = []string{"Monstera", "Fern", "Fiddle-leaf fig", "Snake plant", "Orchid", "Olive tree"}
