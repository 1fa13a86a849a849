package summarize

import (
	"strconv"
	"strings"
)

// The sentiment lexicons. Each line is a weight and the words that carry it;
// "word|n" gives the weight of the word when negated (default: -0.8 × the
// weight, so "not bad" is mildly positive); "stem*" matches every word that
// begins with stem (stems are at least four letters, to stay specific).
// Words are written with their accents; lookups fold accents away.
//
// Weights: ±2 strong (terrible, perfect), ±1 plain (bad, good), ±0.5 mild or
// polite (thanks, unfortunately). Words that are mostly politeness in
// customer service ("sorry", "please") or that double as greetings
// ("buenas", "liebe Grüße") are left out on purpose.
//
// Verbs of "it works / it arrived" are neutral or mildly positive alone but
// strongly negative when negated ("no funciona", "nicht angekommen").
const (
	lexEN = `
2: excellent amazing awesome fantastic perfect wonderful outstanding brilliant superb love loved loving lovely incredible exceptional delighted thrilled marvelous marvellous phenomenal
1: good great nice happy glad pleased helpful satisfied easy beautiful best better cool fine recommend* appreciat* grateful thankful kind friendly excited enjoy* liked smooth efficient reliable fixed solved resolved sorted impressed impressive pleasure super yay wow useful convenient comfortable tasty delicious cute gorgeous fabulous terrific splendid pleasant professional
0.5: thanks thank thx ty cheers fast quickly
1|-1.5: works worked working
0|-1.5: work arrived received come came delivered
0|-1: help helped answer answered respond responded
-0.5: unfortunately waiting wait waited confused hmm
-1: bad poor wrong slow late broken damaged defective faulty problem problems issue issues error errors fail failed failing failure unhappy sad upset annoyed annoying frustrat* confusing complain* difficult expensive overpriced missing lost delayed delay delays dirty rude unhelpful useless stuck bug bugs crash* dissatisfied disappoint* worse ugly mistake incorrect unreliable leaking leak scratched torn
-2: terrible awful horrible worst hate hated disgusting disgusted unacceptable ridiculous scam fraud furious angry pathetic nightmare garbage trash rubbish appalling outrageous lousy shameful disgrace
`
	lexES = `
2: excelente increíble fantástico fantástica perfecto perfecta maravilloso maravillosa encanta encantó encantado encantada genial espectacular buenísimo buenísima magnífico magnífica estupendo estupenda
1: bueno buena bien feliz contento contenta satisfecho satisfecha fácil amable útil gusta gustó gustan agradezco agradecido agradecida recomiendo recomendable resuelto resuelta solucionado arreglado mejor lindo linda bonito bonita hermoso hermosa correcto rico rica rápido rápida rápidamente chévere
0.5: gracias
1|-1.5: funciona funcionó funcionan sirve
0|-1.5: funcionar
0|-1.5: llegado llegó llega recibido recibí
0|-1: ayuda ayudado responde responden respondido
-0.5: lamentablemente desafortunadamente esperando
-1: malo mala mal problema problemas error errores fallo falla roto rota rotos dañado dañada defectuoso defectuosa lento lenta retraso retrasado demora triste molesto molesta decepcion* decepcionado decepcionada queja reclamo difícil caro peor perdido perdida incorrecto equivocado equivocada sucio sucia inútil
-2: terrible horrible pésimo pésima fatal asco asqueroso odio estafa fraude furioso furiosa enojado enojada enfadado enfadada inaceptable vergüenza ridículo desastre basura indignado indignada
`
	lexDE = `
2: ausgezeichnet* hervorragend* fantastisch* perfekt* wunderbar* großartig* toll super klasse genial begeistert wunderschön spitze traumhaft
1: gut gute guter gutes schön schöne nett freundlich* zufrieden* glücklich* froh schnell einfach hilfreich empfehle* empfehlenswert prima gelöst erledigt behoben besser beste lecker praktisch gefällt gefallen gerne
0.5: danke dank
1|-1.5: funktioniert klappt
0|-1.5: geht angekommen erhalten bekommen geliefert
0|-1: geholfen antwortet
-0.5: leider warte warten
-1: schlecht* falsch langsam kaputt* defekt* beschädigt* unzufrieden problem probleme fehler mangel mangelhaft traurig ärgerlich verärgert enttäusch* beschwerde teuer schwierig verspätet verspätung verloren fehlt schade nervig umständlich unfreundlich
-2: schrecklich* furchtbar* katastroph* schlimm* unverschämt inakzeptabel betrug abzocke wütend hasse mies miserabel frechheit müll lächerlich
`
	lexFR = `
2: excellent excellente parfait parfaite magnifique merveilleux merveilleuse génial géniale fantastique incroyable adore adoré superbe formidable ravi ravie extraordinaire
1: bon bonne bien super content contente satisfait satisfaite heureux heureuse facile gentil gentille aimable utile pratique résolu réglé recommande* aime aimé beau belle meilleur mieux efficace délicieux joli jolie top rapide
0.5: merci
1|-1.5: fonctionne marche marché fonctionné
0|-1.5: arrivé arrivée reçu reçue livré livrée
0|-1: aidé répondu
-0.5: malheureusement attends attendre
-1: mauvais mauvaise mal problème problèmes erreur panne cassé cassée abîmé abîmée défectueux défectueuse lent lente retard triste déçu déçue décevant déception plainte réclamation difficile pire perdu perdue manque incorrect faux fausse inutile énervé énervée
-2: horrible terrible nul nulle catastrophe catastrophique affreux affreuse déteste inacceptable arnaque escroquerie scandaleux scandale furieux furieuse honteux honte lamentable pourri inadmissible
`
	lexPT = `
2: excelente perfeito perfeita maravilhoso maravilhosa incrível fantástico fantástica adorei adoro amei amo ótimo ótima sensacional espetacular
1: bom boa bem feliz contente satisfeito satisfeita fácil gentil útil legal gostei gosto gosta resolvido resolvida resolveu solucionado melhor lindo linda bonito bonita eficiente recomendo recomendável top show rápido rápida
0.5: obrigado obrigada valeu beleza
1|-1.5: funciona funcionou funcionando
0|-1.5: chegou chegaram recebi recebido entregue
0|-1: ajudou responde responderam respondeu
-0.5: infelizmente esperando aguardando
-1: ruim mau má mal problema problemas erro erros defeito defeituoso defeituosa quebrado quebrada danificado danificada lento lenta atraso atrasado atrasada triste chateado chateada decepcion* reclamação difícil pior perdido perdida errado errada sujo inútil demora caro
-2: terrível horrível péssimo péssima odeio nojo nojento absurdo inaceitável fraude furioso furiosa vergonha ridículo desastre lixo porcaria
`
)

// negators open a negation that flips the next sentiment word within
// negWindow words (stopped by punctuation).
const negators = `not no never nobody nothing neither nor without hardly cannot dont doesnt didnt isnt wasnt arent werent wont cant couldnt shouldnt wouldnt aint havent hasnt
nunca jamás ni nada nadie sin tampoco ningún ninguna ninguno
nicht kein keine keinen keinem keiner nie niemals nichts niemand ohne
ne pas jamais rien sans aucun aucune
não nem sem nenhum nenhuma ninguém`

// postNegators also negate the sentiment word just before them, the German
// and French order ("funktioniert nicht", "marche pas").
const postNegators = `nicht nie niemals pas jamais`

// negBridges are the words that may stand between a sentiment word and a
// following negator ("gefällt mir nicht").
const negBridges = `mir mich uns dir dich es das leider immer noch wirklich ça`

// intensifiers multiply the next sentiment word within two words.
const intensifiers = `
1.5: very really so extremely totally absolutely completely truly incredibly muy realmente totalmente bastante demasiado sehr echt wirklich total völlig äußerst très vraiment tellement complètement trop muito realmente demais
`

// negFactor is what a negation multiplies a weight by when the entry does
// not say otherwise.
const negFactor = -0.8

// negWindow is how many words after a negator it can reach.
const negWindow = 3

// emojiWeight holds the sentiment of emoji; skin tones and variation
// selectors are ignored (they carry no weight of their own).
var emojiWeight = map[rune]float64{
	// positive
	'😀': 1, '😃': 1, '😄': 1, '😁': 1, '😆': 1, '😊': 1, '🙂': 1, '☺': 1, '😇': 1, '😉': 0.5,
	'😍': 1.5, '🥰': 1.5, '😘': 1.5, '🤩': 1.5, '😎': 1, '😋': 1, '🤗': 1, '😂': 0.5, '🤣': 0.5,
	'👍': 1, '👌': 1, '🙏': 1, '👏': 1, '🙌': 1, '💪': 0.5, '✅': 0.5, '🎉': 1, '🥳': 1, '✨': 0.5,
	'⭐': 0.5, '🌟': 1, '💯': 1, '❤': 1.5, '♥': 1.5, '💕': 1.5, '💖': 1.5, '💗': 1.5, '💙': 1,
	'💚': 1, '💛': 1, '💜': 1, '🧡': 1, '😻': 1, '🥹': 1,
	// negative
	'😠': -1.5, '😡': -1.5, '🤬': -2, '😢': -1, '😭': -1.5, '😞': -1, '😔': -1, '😟': -1, '😕': -0.5,
	'🙁': -1, '☹': -1, '😩': -1, '😫': -1, '😤': -1, '👎': -1.5, '💔': -1.5, '😒': -1, '🙄': -1,
	'😣': -1, '😖': -1, '😰': -1, '😨': -1, '😱': -1, '❌': -0.5, '🤮': -1.5, '🤢': -1, '😑': -0.5,
	'😓': -0.5, '😿': -1,
}

// entry is the sentiment of one word.
type entry struct {
	w   float64 // weight as written
	neg float64 // weight when negated
}

// tables are the word tables of the built-in summarizer, built once from the
// strings of this package and never changed.
type tables struct {
	words        map[string]entry
	stems        map[string]entry // by stem; matched by prefix
	maxStem      int
	negators     map[string]bool
	postNegators map[string]bool
	negBridges   map[string]bool
	intensifiers map[string]float64
	stop         map[string]bool // stopwords of the five languages
	filler       map[string]bool // greetings, thanks, acknowledgements
	request      map[string]bool // words of a request or question
	closing      map[string]bool // words with which a customer closes
	resolvedW    map[string]bool // words that say the matter is solved
	courtesy     map[string]bool // apologies and "let me check" of a reply that is not the answer yet
}

var tab = buildTables()

func buildTables() *tables {
	t := &tables{
		words:        map[string]entry{},
		stems:        map[string]entry{},
		negators:     set(negators),
		postNegators: set(postNegators),
		negBridges:   set(negBridges),
		intensifiers: map[string]float64{},
		stop:         set(stopwords),
		filler:       set(fillerWords),
		request:      set(requestWords),
		closing:      set(closingWords),
		resolvedW:    set(resolvedWords),
		courtesy:     set(courtesyWords),
	}
	for _, lex := range []string{lexEN, lexES, lexDE, lexFR, lexPT} {
		eachWeighted(lex, func(w float64, word string) {
			e := entry{w: w, neg: negFactor * w}
			if base, n, ok := strings.Cut(word, "|"); ok {
				word = base
				e.neg = mustFloat(n)
			}
			if stem, ok := strings.CutSuffix(word, "*"); ok {
				stem = foldWord(stem)
				t.stems[stem] = e
				t.maxStem = max(t.maxStem, len(stem))
				return
			}
			t.words[foldWord(word)] = e
		})
	}
	eachWeighted(intensifiers, func(w float64, word string) { t.intensifiers[foldWord(word)] = w })
	return t
}

// eachWeighted calls fn for every word of a "weight: words" table.
func eachWeighted(table string, fn func(w float64, word string)) {
	for _, line := range strings.Split(table, "\n") {
		ws, words, ok := strings.Cut(line, ":")
		if !ok {
			continue
		}
		wt, neg, hasNeg := strings.Cut(strings.TrimSpace(ws), "|")
		w := mustFloat(wt)
		for _, word := range strings.Fields(words) {
			if hasNeg {
				word += "|" + neg
			}
			fn(w, word)
		}
	}
}

func mustFloat(s string) float64 {
	f, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
	if err != nil {
		panic("summarize: bad weight in a table: " + s)
	}
	return f
}

func set(words string) map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(words) {
		m[foldWord(w)] = true
	}
	return m
}

// lookup returns the sentiment of a folded word, trying stems when the word
// itself is not listed.
func (t *tables) lookup(w string) (entry, bool) {
	if e, ok := t.words[w]; ok {
		return e, true
	}
	for n := min(len(w), t.maxStem); n >= 4; n-- {
		if e, ok := t.stems[w[:n]]; ok {
			return e, true
		}
	}
	return entry{}, false
}

// stopwords are left out of topics: function words of English, Spanish,
// German, French and Portuguese, common chat verbs, and the pieces of URLs.
const stopwords = `
a about above after again against all also am an and any are as at be because been before being below between both but by can could did do does doing down during each few for from further get got had has have having he her here hers herself him himself his how i if in into is it its itself just let me more most my myself no nor not now of off on once only or other our ours out over own same she should so some such than that the their theirs them then there these they this those through to too under until up very was we were what when where which while who whom why will with would you your yours yourself also still yet already ever maybe even much many one two three way thing things something anything everything lot lots really want wanted need needs needed know think see said say says tell told make made take go going went come let us please could would able since though via per etc yes yeah okay ok im ive id ill dont doesnt didnt cant wont isnt whats thats theres hey hi hello thanks thank today tomorrow yesterday now time day days week
el la los las un una unos unas y o u pero si sí no de del al a en con por para sin sobre entre que qué quien quién cual cuál como cómo cuando cuándo donde dónde porque pues ya muy más menos mi mis tu tus su sus nuestro nuestra yo tú él ella nosotros ustedes ellos ellas me te se le les lo nos os este esta estos estas ese esa esos esas aquel eso esto es son era fue ser estar está están estoy estaba hay ha he han has hemos tengo tiene tienen tener hacer hace puedo puede pueden quiero quería necesito gracias hola buenas buenos vale también todo toda todos todas algo nada otro otra hasta desde cuanto cuánto
der die das den dem des ein eine einen einem einer und oder aber wenn dass weil mit von zu zum zur bei aus nach für auf an in im am um über unter vor ist sind war waren bin bist sein hat haben habe hatte wird werden wurde kann können könnte möchte muss ich du er sie es wir ihr mein meine dein ihre unser sich mich mir dich dir uns euch auch noch schon nur sehr so wie was wer wo wann warum hier da dann doch ja nein nicht kein keine mal bitte danke hallo gibt heute morgen
le la les un une des du de d et ou mais si que qui quoi quand comment pourquoi où est sont était suis es être avoir ai as a avons avez ont ce cet cette ces mon ma mes ton ta tes son sa ses notre nos votre vos leur leurs je tu il elle nous vous ils elles me te se lui y en au aux avec pour par sur dans sous chez pas ne plus très bien aussi encore déjà fait faire peut puis veux voudrais merci bonjour oui non ça cela
o a os as um uma uns umas e ou mas se que quem qual quando como onde porque por para com sem sobre de do da dos das no na nos nas ao à em eu tu ele ela nós vocês eles elas meu minha meus minhas seu sua seus suas me te lhe isso isto esse essa este esta aquele é são era foi ser estar está estão estou tem têm ter tenho fazer faz pode posso quero preciso muito mais já também ainda obrigado obrigada olá oi sim não você
http https www com org net html stock available looking wondering interested help
check checked look looked found find pick picked give gave send sent keep kept put try tried use used call called write wrote ask asked answer reply back again another other every last next first second third new old same different sure thing around anyway actually probably something someone anyone nobody everyone got getting gets hasnt havent wasnt werent arrived since ago soon hour hours minute minutes month months year years morning evening tonight here there where
aquí allí ahí ahora hoy mañana ayer siempre nunca entonces así bien mal vez veces otra otro mismo misma dos tres primera segunda tercera siguen sigue hacer hecho dijo dice decir ver veo mira mire favor tiene tengo compré compro
seit zwei drei erste zweite dritte neu neue neuen obwohl nächste nächsten woche wochen tag tage jetzt immer wieder gestern schon bereits mehr weil also eigentlich natürlich einfach ganz etwas alles nichts hier dort da heute sehe sehen
deuxième troisième première fois voilà tout toute tous toutes depuis jour jours mise toujours jamais maintenant aujourd hui demain hier encore déjà rien quelque chose deux trois alors donc vraiment
pela pelo pelos pelas disso disto nisso naquilo comprei quelle quel quels quelles mail mails email emails
fui foi hoje amanhã ontem tudo toda todos todas favor mesma mesmo duas dois três vez vezes terceira segunda primeira sempre nunca agora aqui ali já então assim coisa continuo

`

// fillerWords carry no request on their own: greetings, thanks and
// acknowledgements in the five languages. A message made only of them has
// no substance.
const fillerWords = `
hi hello hey hiya heya howdy yo morning afternoon evening night good there all everyone team dear thanks thank thx ty cheers you much very lot ok okay k kk yes yeah yep yup no nope sure great fine cool perfect alright right bye goodbye see later regards please pls plz got it noted awesome nice wonderful
hola buenas buenos buen dia días tardes noches qué tal saludos gracias muchas mil vale si sí claro perfecto bueno listo dale adiós chao chau hasta luego
hallo moin servus grüß grüezi gruss grüße guten tag morgen abend danke vielen dank schön ja nein alles klar tschüss bis bald super gut
bonjour bonsoir salut coucou merci beaucoup oui non accord parfait bien au revoir bonne journée
olá ola oi bom boa dia tarde noite obrigado obrigada valeu sim não beleza tchau até logo certo entendi
`

// requestWords mark a message as a request or a question even without a
// question mark.
const requestWords = `
want need would could can please looking order ordered buy price cost help how when where what why which wondering interested available stock book booking reserve return refund cancel change deliver delivery ship shipping
quiero necesito quisiera quería podría puede puedes podrían busco precio cuánto cuándo dónde cómo ayuda disponible pedido comprar reservar devolver cambiar envío
möchte brauche bitte können könnten kann wie wann wo was preis hilfe verfügbar bestellung bestellen kaufen buchen zurückgeben lieferung
voudrais veux besoin pouvez pourriez peux prix combien quand où comment aide disponible commande commander acheter réserver retourner livraison
gostaria preciso quero pode poderia preço quanto quando onde como ajuda disponível pedido comprar reservar devolver trocar entrega
`

// closingWords are how a customer closes a conversation that went well.
const closingWords = `
thanks thank thx ty cheers perfect great awesome excellent solved resolved fixed sorted works worked
gracias perfecto genial excelente resuelto solucionado funciona funcionó listo
danke perfekt super toll prima gelöst erledigt funktioniert klappt
merci parfait génial super résolu réglé fonctionne marche
obrigado obrigada valeu perfeito ótimo resolvido resolveu funciona funcionou beleza
`

// resolvedWords, in an agent's or the customer's last message, say the
// matter is solved.
const resolvedWords = `
resolved solved fixed sorted refunded shipped delivered done processed confirmed booked
resuelto resuelta solucionado arreglado reembolsado enviado confirmado listo
gelöst erledigt behoben erstattet versendet bestätigt gebucht
résolu résolue réglé remboursé expédié confirmé réservé
resolvido resolvida solucionado reembolsado enviado confirmado
`

// courtesyWords make, with stopwords and filler, the sentences of a reply
// that are not the answer yet: apologies and promises to look ("I'm sorry
// to hear that.", "Let me check.", "Vou verificar."). See asksOrHolds.
const courtesyWords = `
sorry apologies apologize apologise apology hear understand check checking verify verifying look looking moment sec patience waiting immediately asap
lamento siento disculpe disculpa disculpas perdón molestia molestias inconveniente inconvenientes entiendo comprendo reviso revisamos verifico verificamos compruebo consulto momento enseguida paciencia voy vamos
tut leid entschuldigung entschuldigen bedauern verstehe schaue schauen nach nachsehen prüfe prüfen kläre moment sofort gleich geduld
désolé désolée désolés navré navrée excusez excuse pardon comprends vérifie vérifions vérifier regarde regardons instant moment suite immédiatement patience
sinto desculpe desculpa desculpas transtorno entendo compreendo vou vamos verificar verifico olhar momento instante paciência
`
