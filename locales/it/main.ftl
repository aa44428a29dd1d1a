# Vicinato — testi in italiano. Frasi brevi, parole semplici, sempre un passo successivo.
# Ogni id deve esistere anche in locales/en/main.ftl.

## Benvenuto e primo avvio

welcome = Ciao { $name }! Sono Vicinato. Ti aiuto a trovare servizi e aiuto vicino a te.
welcome-link = Ciao { $name }! Ecco il servizio che cercavi.
choose-language = In che lingua vuoi parlare? Scegli qui sotto.
language-set = Va bene, parliamo in italiano.
language-unknown = Non conosco la lingua «{ $text }». Per ora parlo italiano e inglese: scegli qui sotto.
language-it = Italiano
language-en = English
ask-home = In quale zona vivi? Scrivi il nome (per esempio Centocelle, Ostia, Viterbo) oppure scegli qui sotto.
ask-home-under = Scegli una zona di { $place }, oppure tocca «{ $place }».
button-home-here = Proprio qui: { $place }
button-skip = Salta
button-start = Iniziamo
home-not-found = Non trovo la zona «{ $text }». Prova con il nome del quartiere o del comune, oppure scegli qui sotto.
home-set = Perfetto: la tua zona è { $place }.
home-skipped = Va bene, puoi scegliere la tua zona più tardi con /start.
onboarding-done = Ora chiedimi quello che ti serve, con parole tue. Per esempio: «corso di italiano vicino a me» oppure «banco alimentare aperto adesso». Puoi anche scegliere un'area qui sotto.

## Conversazione

greeting-reply = Ciao { $name }! Cosa cerchi oggi? Scrivilo con parole tue o scegli un'area.
greeting-new = Ciao { $name }! Sono Vicinato e ti aiuto a trovare servizi vicino a te. Tocca «Iniziamo» per cominciare.
thanks-reply = Figurati! Se ti serve altro, scrivimi quando vuoi.
not-understood = Non ho capito bene. Dimmi cosa cerchi, per esempio «corso di italiano a Centocelle» o «mensa aperta domenica». Oppure scegli un'area qui sotto.
unknown-command = Non conosco il comando { $command }. Scrivi /help per vedere cosa posso fare, oppure chiedimi con parole tue.
empty-message = Il messaggio è vuoto. Scrivimi cosa cerchi, per esempio «centro anziani a Ostia».
unsupported-message = Per ora so leggere solo i messaggi scritti. Scrivimi cosa cerchi, per esempio «medico a Ostia».
too-long = Il messaggio è troppo lungo per me (più di { $max } caratteri). Puoi scrivermi in breve cosa cerchi?
cancelled = Fatto, ho annullato. Cosa posso fare per te?
nothing-to-cancel = Non c'è niente da annullare. Cosa cerchi?
cancelled-draft-kept = Fatto, ho smesso. La bozza «{ $title }» resta salvata: la ritrovi con /mieiniziative. Cosa posso fare per te?
button-expired = Questo pulsante non è più valido. Scrivimi di nuovo cosa cerchi.
error-busy = Sono un po' sovraccarico in questo momento. Riprova tra qualche secondo: non ho perso niente.
error-internal = Qualcosa non ha funzionato da parte mia. Riprova tra poco, oppure scrivi /help.

## Aiuto

help-intro = Ecco cosa puoi fare con Vicinato.
help-resident =
    Chiedimi con parole tue: «dove trovo un corso di italiano vicino a Centocelle?»
    /services – cerca servizi per area o con parole
    /start – scegli lingua e zona
    /language – cambia lingua
    /whoami – cosa so di te
    /collega – usa Vicinato su Telegram e Matrix come una sola persona
    /mydata – tutti i tuoi dati; /forget – cancellali
    /notifiche off – non ricevere più avvisi; /notifiche on – riceverli di nuovo
    /cancel – annulla quello che stai facendo
help-initiatives =
    /iniziative – cosa propongono i vicini; /settimana – cosa c'è questa settimana
    /proponi – proponi un'iniziativa; /mieiniziative – le tue
help-moderator = Come moderatore: /review – le iniziative nascoste dalle segnalazioni, da rendere visibili o rifiutare con un motivo.
help-staff = Come operatore: /grant moderator ACCOUNT ZONA – nomina un moderatore nella tua zona; /revoke per toglierlo.
help-staff-initiatives = Per le iniziative: /review – iniziative da controllare e decidere; /fase ZONA 1|2 – chi decide in una zona; /stats – partecipazione per mese.
help-admin = Come amministratore: /grant RUOLO ACCOUNT [ZONA] e /revoke RUOLO ACCOUNT [ZONA]. Ruoli: resident, moderator, staff, admin. Account: telegram:123, matrix:@nome:server, console:nome.
help-examples = Prova: «mensa aperta domenica», «aiuto con l'affitto nel Municipio V», «psicologo che parla arabo».

## Ricerca dei servizi

browse-categories = Cosa cerchi? Scegli un'area qui sotto, oppure scrivilo con parole tue.
results-header = { $count ->
        [one] Ho trovato un servizio
       *[other] Ho trovato { $count } servizi
    }{ $area ->
        [none] {""}
       *[other] {" "}per la zona { $area }
    }.{ $pages ->
        [one] {""}
       *[other] {" "}Pagina { $page } di { $pages }.
    } Tocca un numero per i dettagli.
no-results = Non ho trovato servizi per questa richiesta.
no-results-next = Prova con altre parole, oppure scegli un'area qui sotto. Con /start puoi indicare la tua zona.
talk-person = Certo. Alle Case del Welfare ci sono operatori che ascoltano e aiutano di persona.
talk-person-house = { $name }, { $address }
talk-person-where = Dimmi in che zona sei, per esempio «Centocelle» o «Latina», e ti indico la più vicina.
nearest-house = Il punto di riferimento più vicino a te è { $name }, { $address }. { $open }. Lì possono aiutarti di persona.
nothing-more = Non ci sono altri risultati. Vuoi cercare altro? Scegli un'area qui sotto.
near-me-no-home = Non so ancora in che zona vivi, quindi cerco ovunque. Con /start puoi scegliere la tua zona.
search-no-place = Non so ancora in che zona sei, quindi cerco in tutto il Lazio. Per vedere prima i servizi vicini, tocca la tua zona qui sotto, o scrivi il quartiere o il comune, per esempio «bollette a Ostia».
widened-words = Ho cercato «{ $words }», ma nessun servizio qui usa queste parole: ti mostro gli altri servizi di questo tipo.
searched-for = Ho cercato: «{ $words }».
widened-time = Nessuno è aperto in quel momento: ti mostro anche quelli con altri orari.
widened-category = Niente di così preciso: ti mostro servizi di { $category }.
widened-territory = Niente a { $from }: ti mostro quelli di { $to }.
widened-anywhere = Niente a { $from }: ti mostro quelli delle altre zone.
service-gone = Questo servizio non c'è più nell'elenco. Scrivimi di nuovo cosa cerchi.
button-more = Altri risultati
button-previous = Indietro
button-back = Torna ai risultati

## Scheda del servizio

card-where = Dove: { $place }, { $address }{ $area ->
        [none] {""}
       *[other] {" "}({ $area })
    }
card-where-confidential = Dove: indirizzo riservato, per la sicurezza di chi ci va. { $has_house ->
        [yes] Chiedilo alla { $house }.
       *[other] Chiedilo ai servizi sociali della tua zona.
    }
card-open-until = Aperto ora, fino alle { $time }
card-open-always = Aperto sempre, 24 ore su 24
card-opens-at = { $when ->
        [today] Chiuso ora. Apre oggi alle { $time }
        [tomorrow] Chiuso ora. Apre domani alle { $time }
       *[other] Chiuso ora. Apre { $day } alle { $time }
    }
card-hours-unknown = Orari non disponibili: chiama prima di andare
card-day-open = Orari di { $day } { $date }: { $times }
card-day-closed = Non apre { $day } { $date }. Chiedimi «orari» per tutta la settimana.
card-day-holiday = Non apre { $day } { $date }: è un giorno festivo.
card-day-closure = Non apre { $day } { $date }: chiusura dal { $from } al { $to }.
card-timetable = Orari della settimana: { $hours }
card-closure = { $span ->
        [day] Chiusura straordinaria il { $from }
       *[range] Chiusura straordinaria dal { $from } al { $to }
    }
card-only-italian = (Questa descrizione è solo in italiano.)
card-temporarily-closed = Chiusura temporanea: al momento non apre
card-contact = Contatti: { $contact }
card-eligibility = Per chi: { $text }
card-eligibility-age = Per chi: { $ages }
card-languages = Lingue parlate: { $languages }
card-fees = Costo: { $text }
card-how = Come accedere: { $text }
card-accessibility = Accessibilità: { $text }
card-transport = Come arrivare: { $text }
card-transport-in-italian = Come arrivare: { $text }
card-eligibility-in-italian = Per chi: { $text }
card-fees-in-italian = Costo: { $text }
card-how-in-italian = Come accedere: { $text }
card-accessibility-in-italian = Accessibilità: { $text }
card-provider = Gestito da: { $name }
card-community = Servizio gestito dalla comunità
card-verified = Informazioni verificate il { $date }
card-demo = Dati di esempio: questo servizio non esiste davvero.
age-range = da { $min } a { $max } anni
age-from = da { $min } anni in su
age-to = fino a { $max } anni
date-short = il { $date }

weekday-0 = lunedì
weekday-1 = martedì
weekday-2 = mercoledì
weekday-3 = giovedì
weekday-4 = venerdì
weekday-5 = sabato
weekday-6 = domenica
weekday-short-0 = lun
weekday-short-1 = mar
weekday-short-2 = mer
weekday-short-3 = gio
weekday-short-4 = ven
weekday-short-5 = sab
weekday-short-6 = dom
weekday-today = oggi
weekday-tomorrow = domani

## Aree dei servizi

category-elderly = Anziani
category-elderly-day-centre = Centri anziani
category-elderly-home-care = Assistenza a casa
category-disability = Disabilità
category-disability-support = Sostegno alla disabilità
category-family = Famiglie e bambini
category-family-childcare = Servizi per l'infanzia
category-family-parenting = Sostegno ai genitori
category-housing = Casa e affitto
category-housing-rent-support = Aiuto per l'affitto
category-housing-shelter = Accoglienza e posti letto
category-housing-bills = Aiuto per le bollette
category-work = Lavoro
category-work-job-search = Cercare lavoro
category-work-training = Formazione
category-migrants = Migranti e corsi di italiano
category-migrants-italian-course = Corsi di italiano
category-migrants-reception = Accoglienza per migranti
category-health = Salute e ascolto
category-health-counselling = Ascolto e sostegno psicologico
category-health-clinic = Ambulatori
category-food = Aiuto alimentare
category-food-bank = Pacchi e spesa solidale
category-food-meals = Mense e pasti
category-legal = Assistenza legale
category-legal-advice = Consulenza legale
category-youth = Giovani
category-youth-centre = Centri giovani
category-digital = Aiuto digitale
category-digital-help = SPID e pratiche online
category-other = { $name }

## Lingue parlate nei servizi

spoken-it = italiano
spoken-en = inglese
spoken-ar = arabo
spoken-fr = francese
spoken-es = spagnolo
spoken-ro = rumeno
spoken-bn = bengalese
spoken-zh = cinese
spoken-uk = ucraino
spoken-ru = russo
spoken-tl = tagalog
spoken-sq = albanese
spoken-pt = portoghese
spoken-ur = urdu
spoken-pa = punjabi
spoken-hi = hindi
spoken-ti = tigrino
spoken-so = somalo
spoken-wo = wolof

## Profilo e dati personali

whoami = Sei { $name }. Lingua: { $language }. Zona: { $home ->
        [none] non ancora scelta (usa /start)
       *[other] { $home }
    }. Ruoli: { $roles ->
        [none] residente
       *[other] { $roles }
    }. Account: { $accounts }.
mydata-intro = Ecco cosa Vicinato conserva su di te. Il file qui sotto contiene tutti i dati, per intero.
mydata-counts = Prenotazioni: { $bookings } · Iniziative: { $initiatives } · Commenti: { $comments } · Segnalazioni: { $reports } · Voti: { $votes } · Attese: { $waitlist } · Provvedimenti nei gruppi: { $sanctions }
role-resident = residente
role-moderator = moderatore
role-staff = staff
role-admin = amministratore
mydata-forget-hint = Per cancellarli tutti, scrivi /forget.
forget-confirm = Vuoi davvero cancellare tutti i tuoi dati da Vicinato? Non si può tornare indietro.
button-forget-yes = Sì, cancella tutto
button-forget-no = No, tienili
forget-done = Fatto: ho cancellato tutti i tuoi dati. Se mi scrivi di nuovo, ricominciamo da zero.
forget-kept = Va bene, non ho cancellato niente.

## Ruoli

not-allowed = Non hai il permesso per questo comando. Scrivi /help per vedere cosa puoi fare.
grant-usage = Si usa così: /grant RUOLO ACCOUNT ZONA, per esempio /grant moderator telegram:12345 roma-m05.
grant-needs-territory = Per questo ruolo serve una zona, per esempio roma-m05.
territory-unknown = Non conosco la zona «{ $territory }». Usa il suo codice, per esempio roma-m05.
person-unknown = Non trovo nessuno con l'account «{ $account }». La persona deve prima scrivere a Vicinato.
grant-done = Fatto: { $name } ora ha il ruolo { $role }.
grant-already = { $name } aveva già il ruolo { $role }.
revoke-done = Fatto: { $name } non ha più il ruolo { $role }.
revoke-missing = { $name } non aveva il ruolo { $role }.

## Terminale

console-hint = Scrivi un messaggio e premi Invio. Per scegliere un'opzione scrivi il suo numero. Ctrl+D per uscire.
console-no-choice = Non c'è l'opzione { $n }: scegli un numero da 1 a { $max }, oppure scrivi un messaggio.

## Telegram

telegram-private-unreachable = Volevo risponderti in privato, ma Telegram non mi permette di scrivere per primo. Apri una chat privata con me, premi Avvia e chiedi di nuovo.
telegram-menu-start = Inizia: scegli la lingua e la tua zona
telegram-menu-services = Trova un servizio vicino a te
telegram-menu-initiatives = Cosa propongono i vicini
telegram-menu-propose = Proponi un'iniziativa
telegram-menu-help = Cosa posso fare per te
telegram-menu-language = Cambia lingua
telegram-menu-cancel = Interrompi quello che stiamo facendo
telegram-menu-mydata = Vedi i dati che conservo su di te
telegram-menu-forget = Cancella tutti i tuoi dati

## Matrix

matrix-choose-number = Rispondi con il numero della tua scelta.
matrix-private-unreachable = Volevo risponderti in una chat diretta, ma non sono riuscito ad aprirla. Apri una chat diretta con me e chiedi di nuovo.
## Booking spaces of the welfare houses

book-when = { $day } { $date }, { $from }–{ $to }
book-ask-space = Quale spazio vuoi prenotare? Scegli qui sotto.
book-ask-when = Quando ti serve { $space }? Scrivi giorno e orario, per esempio «sabato dalle 15 alle 17» o «domani alle 10». Orari:
book-ask-people = Quante persone sarete? Scrivi un numero (al massimo { $capacity }).
book-ask-purpose = Per cosa ti serve lo spazio? Scrivilo in poche parole, per esempio «riunione del comitato di quartiere».
book-summary = Ricapitolo: { $space }, { $when }, { $people ->
        [one] 1 persona
       *[other] { $people } persone
    }. Motivo: { $purpose }. Confermi?
book-needs-approval = Questo spazio va approvato da chi gestisce la Casa: ti scriviamo appena decidono.
book-done = Prenotato: { $space }, { $when }. Ti ricordiamo l'appuntamento prima. Scrivi /bookings per vedere o annullare.
book-pending = Richiesta inviata: { $space }, { $when }. Ti scriviamo quando la Casa decide. Scrivi /bookings per vederla.
book-dropped = Va bene, non ho prenotato niente.
book-taken = { $when } è già occupato.
book-alternatives = Ecco gli orari liberi più vicini. Tocca quello che ti va bene, oppure scrivi un altro giorno e orario.
book-no-alternatives = Non trovo orari liberi nella settimana. Prova un altro giorno, oppure scrivi /cancel per lasciar stare.
book-no-spaces = Qui non ci sono spazi da prenotare. Scrivi /help per vedere cosa puoi fare.
book-no-such-date = La data «{ $date }» non esiste. Controlla giorno e mese e riscrivila, per esempio «3 marzo».
book-refused-past = Quel momento è già passato. Scrivi un giorno e un orario da oggi in poi.
book-refused-empty = L'orario non dura nulla. Scrivi inizio e fine, per esempio «dalle 15 alle 17».
book-refused-short = Si prenota per almeno { DURATION($n) }. Scrivi un orario più lungo.
book-refused-long = Si prenota per al massimo { DURATION($n) }. Scrivi un orario più corto.
book-refused-far = Si prenota al massimo { $n } giorni prima. Scegli una data più vicina.
book-refused-notice = Bisogna prenotare almeno { DURATION($n) } prima. Scegli un orario più avanti.
book-refused-closed = A quell'ora lo spazio è chiuso.
book-refused-no-people = Serve almeno una persona. Quante sarete?
book-refused-capacity = Lo spazio accoglie al massimo { $n } persone. Quante sarete? Se siete di più, scegli uno spazio più grande con /book.
book-refused-quota = Ognuno può prenotare al massimo { $n ->
        [one] 1 ora
       *[other] { $n } ore
    } a settimana in questa Casa, così c'è posto per tutti.
book-refused-no-such-time = Quell'orario non esiste quel giorno (cambia l'ora legale).
book-which-house = In quale Casa del Welfare?
book-free-intro = Spazi liberi alla { $house }, { $day } { $date }:
book-free-line = { $space }: { $times }
book-free-none = { $space }: niente di libero
button-book-confirm = Sì, prenota
button-book-cancel = No
button-my-bookings = Le mie prenotazioni
bookings-none = Non hai prenotazioni. Per prenotare scrivi, per esempio, «vorrei la sala grande sabato alle 10».
bookings-intro = Le tue prenotazioni:
bookings-line = { $n }. { $space }, { $when } ({ $status })
booking-status-pending = in attesa di approvazione
booking-status-confirmed = confermata
booking-status-cancelled = annullata
booking-status-declined = non approvata
booking-status-released = liberata
button-cancel-booking = Annulla la { $n }
button-cancel-booking-one = Annulla la prenotazione
booking-not-found = Non trovo questa prenotazione. Scrivi /bookings per vedere le tue.
booking-cancel-ask = Vuoi annullare { $space }, { $when }?
button-cancel-yes = Sì, annulla
button-cancel-keep = No, tienila
booking-kept = Va bene, la prenotazione resta. Scrivi /bookings per vederla.
booking-cancelled = Annullata: { $space }, { $when }. Lo spazio ora è libero per altri.
booking-already-over = Questa prenotazione non è più attiva.
checkin-nothing = Non hai una prenotazione in corso adesso. Puoi registrare l'arrivo da mezz'ora prima dell'inizio.
checkin-done = Arrivo registrato per { $space }. Buon lavoro!
approve-none = Non ci sono richieste da approvare.
approve-line = Richiesta: { $space }, { $when }, { $people ->
        [one] 1 persona
       *[other] { $people } persone
    }. Motivo:
button-approve = Approva
button-decline = Rifiuta
approve-already-decided = Questa richiesta è già stata decisa.
approve-done = Approvata. Abbiamo avvisato chi l'ha chiesta.
decline-done = Rifiutata. Abbiamo avvisato chi l'ha chiesta.
booking-approved = Buone notizie: la tua richiesta è approvata. { $space }, { $when }.
booking-declined = Mi dispiace: la tua richiesta per { $space }, { $when } non è stata approvata. Puoi chiedere un altro orario con /book.
booking-released = La prenotazione di { $space } è stata liberata perché nessuno ha registrato l'arrivo.
reminder-hours = Promemoria: tra { $n } ore hai { $space }, { $when }. Se non ti serve più, annullala qui sotto.
reminder-minutes = Promemoria: tra { DURATION($n) } hai { $space }, { $when }. Quando arrivi scrivi /checkin.
telegram-menu-bookings = Le mie prenotazioni
book-summary-move = Sposto la prenotazione a: { $space }, { $when }, { $people ->
        [one] 1 persona
       *[other] { $people } persone
    }. Motivo: { $purpose }. Confermi? La vecchia resta valida finché non confermi.
button-move-booking = Sposta la { $n }
booking-status-held = tenuta per te: conferma
button-waitlist = Mettimi in lista d'attesa
waitlist-joined = Sei in lista d'attesa per { $space }, { $when }: sei { $n }° in fila. Se si libera, ti scriviamo.
waitlist-offer = Si è liberato { $space }, { $when }. Lo teniamo per te per { DURATION($n) }: lo vuoi?
button-hold-yes = Sì, lo prendo
button-hold-no = No, grazie
waitlist-passed = Va bene: lo offriamo alla prossima persona in fila.
waitlist-offer-over = Questa offerta non è più valida. Scrivi /bookings per vedere le tue prenotazioni.
waitlist-offer-expired = Il tempo per confermare { $space } è finito: lo abbiamo offerto alla prossima persona in fila.
book-summary-weekly = Ogni settimana alla stessa ora, per { $n } settimane (le date occupate le salto e te le dico).
book-weekly-done = Prenotato { $n ->
        [one] 1 volta
       *[other] { $n } volte
    }: { $space }, ogni settimana a partire da { $when }. Scrivi /bookings per vederle.
book-weekly-skipped = Saltata: { $when } (occupata o non prenotabile).
book-open-hours = Gli orari di { $space }:
book-hours-day = { $day }: { $times }

## Iniziative della comunità

ini-when = { $day } { $date } alle { $time }
ini-when-open = data da decidere
ini-unset = —
ini-week-query = questa settimana
ini-status-draft = bozza
ini-status-submitted = in verifica dallo staff
ini-status-published = raccoglie sostegni
ini-status-threshold-reached = ha abbastanza sostegni, attende la decisione
ini-status-voting = i residenti stanno votando
ini-status-accepted = accettata
ini-status-rejected = non accettata
ini-status-scheduled = in programma
ini-status-held = si è svolta
ini-status-reported = conclusa, con il resoconto
ini-status-withdrawn = ritirata
ini-status-expired = scaduta
ini-theme-culture = Cultura e tempo libero
ini-theme-sport = Sport e movimento
ini-theme-environment = Ambiente e verde
ini-theme-learning = Imparare
ini-theme-care = Cura e solidarietà
ini-theme-neighbourhood = Vita di quartiere
ini-theme-other = Altro
ini-kind-activity = attività
ini-kind-service = servizio della comunità
ini-kind-moderator = candidatura a moderatore
ini-field-title = Titolo
ini-field-description = Cosa e perché
ini-field-area = Zona
ini-field-theme = Tema
ini-field-when = Quando
ini-field-place = Dove
ini-field-capacity = Quante persone
ini-field-resources = Cosa serve
ini-phase-institutional = fase 1: decide lo staff dell'istituzione
ini-phase-community = fase 2: decidono i residenti con un voto
ini-propose-intro = Scriviamo la tua proposta ({ $kind }). La salvo a ogni passo: puoi fermarti e continuare dopo con /mieiniziative. Scrivi /annulla per smettere.
ini-moderator-title = { $name } come moderatore
ini-ask-title = Qual è il titolo della tua iniziativa? Poche parole, per esempio "Orto condiviso nel cortile della scuola".
ini-ask-description = "{ $title }": cosa vuoi fare, e perché? Bastano poche frasi.
ini-ask-area = Per quale zona è? Tocca qui sotto o scrivi il nome del quartiere.
ini-ask-theme = Quale tema è più adatto? Scegli qui sotto.
ini-ask-when = Quando si svolgerà? Scrivi un giorno e un'ora, per esempio "sabato 12/12 alle 10". Se non lo sai ancora, tocca Salta.
ini-ask-place = Dove? Scrivi il luogo, o scegli una delle tue prenotazioni qui sotto. Per prenotare prima uno spazio della casa del welfare, tocca il pulsante e poi torna con /mieiniziative.
ini-ask-capacity = Quante persone possono partecipare? Scrivi un numero, o tocca Salta se non c'è un limite.
ini-ask-resources = Cosa serve (materiali, competenze, aiuto)? Scrivilo, o tocca Salta.
ini-summary = La tua proposta ({ $kind }):
    Titolo: { $title }
    Cosa e perché: { $description }
    Zona: { $area }
    Tema: { $theme }
    Quando: { $when }
    Dove: { $place }
    Persone: { $capacity }
    Serve: { $resources }
    { $threshold ->
        [one] Serve 1 sostegno.
       *[other] Servono { $threshold } sostegni.
    } Tocca Invia per mandarla allo staff, o un campo per cambiarlo.
button-ini-submit = Invia
button-ini-later = Tienila per dopo
ini-title-short = Il titolo è troppo corto. Scrivi almeno qualche parola.
ini-answer-needs-words = Qui non basta «sì» o «no»: rispondi alla domanda qui sotto.
ini-description-short = Racconta un po' di più: una o due frasi su cosa e perché.
ini-area-unknown = Non conosco la zona "{ $text }". Scrivi il nome di un quartiere o municipio, per esempio "Centocelle".
ini-capacity-number = Scrivi un numero tra 1 e 10000, o tocca Salta.
ini-date-bad = Questa data non va: non esiste o è passata. Scrivi un giorno futuro, per esempio "sabato alle 10".
ini-when-recurring = Ho segnato la prima volta: { $when }, e ho scritto nella descrizione che si ripete. Dopo la prima volta potrai fissare la data successiva dalla scheda dell'iniziativa.
ini-repeats-note = Si ripete: { $words }.
ini-date-missing = Non ho trovato un giorno. Scrivilo così: "sabato 12/12 alle 10" o "domani alle 17".
ini-draft-kept = La tua bozza "{ $title }" è salvata. Scrivi /mieiniziative per continuarla.
ini-draft-gone = Questa bozza non si può più cambiare. Scrivi /mieiniziative per vedere le tue iniziative.
ini-draft-missing = Manca qualcosa: { $field }. Scrivi /mieiniziative e continua la bozza.
ini-no-areas = Non ci sono ancora zone. Chiedi allo staff della tua casa del welfare.
ini-not-found = Non trovo questa iniziativa. Scrivi /iniziative per vedere quelle della tua zona.
ini-line = { $n }. { $title } — { $area }, { $when } ({ $status }; { $supports }/{ $threshold } sostegni)
ini-list = Iniziative:
ini-list-area = Iniziative a { $area }:
ini-list-week = Questa settimana a { $area }:
ini-list-week-anywhere = Questa settimana:
ini-none = Non ho trovato iniziative. Vuoi proporne una?
ini-none-week = Questa settimana non c'è niente in programma. Vuoi proporre qualcosa?
ini-mine = Le tue iniziative:
ini-mine-none = Non hai ancora proposto niente. Tocca qui sotto per iniziare.
button-propose = Proponi un'iniziativa
ini-card = { $title } ({ $kind }, { $area })
    Stato: { $status }
ini-card-theme = Tema: { $theme }
ini-card-when = Quando: { $when }
ini-card-place = Dove: { $place }
ini-card-resources = Serve: { $resources }
ini-card-supports = { $supports ->
        [one] 1 sostegno
       *[other] { $supports } sostegni
    } su { $threshold }{ $shown ->
    [0] .
   *[other] , tra cui { $names }{ $others ->
        [0] .
       *[other] {" "}e altri { $others }.
    }
}
ini-card-participants = Partecipano: { $participants }{ $capacity ->
    [0] {""}
   *[other] {" "}su { $capacity }
}
ini-card-deadline = Sostegni aperti fino a { $when }.
ini-card-vote-until = Voto aperto fino a { $when }.
ini-card-reason = Motivo: { $reason }
ini-card-outcome = Com'è andata: { $text } ({ $attendance ->
        [one] 1 persona presente
       *[other] { $attendance } persone presenti
    })
ini-card-hidden = Nascosta finché un moderatore non la controlla.
ini-card-comment = { $name }: { $text }
button-ini-open = Apri
button-ini-support = Sostieni
button-ini-support-anon = Sostieni in forma anonima
button-ini-unsupport = Ritira il mio sostegno
button-ini-join = Partecipo
button-ini-volunteer = Faccio volontariato
button-ini-leave = Non partecipo più
button-ini-comment = Commenta
button-ini-report = Segnala un problema
button-ini-continue = Continua la bozza
button-ini-date = Fissa la data
button-ini-held = Si è svolta
button-ini-outcome = Racconta com'è andata
button-ini-update = Scrivi ai sostenitori
button-ini-withdraw = Ritira
button-ini-publish = Pubblica
button-ini-accept = Accetta
button-ini-reject = Rifiuta
button-ini-hide = Nascondi
button-ini-restore = Rendi di nuovo visibile
button-ini-mod-reject = Rifiuta come moderatore
button-ini-vote-yes = Voto sì
button-ini-vote-no = Voto no
button-ini-book-space = Prenota uno spazio
ini-supported = Grazie! Sostieni "{ $title }": { $supports ->
        [one] 1 sostegno
       *[other] { $supports } sostegni
    } su { $threshold }.
ini-supported-anon = Grazie! Sostieni "{ $title }" in forma anonima: il tuo nome non compare. { $supports ->
        [one] 1 sostegno
       *[other] { $supports } sostegni
    } su { $threshold }.
ini-threshold-reached = Con il tuo sostegno ha raggiunto la soglia. Ora si decide: ti avviseremo.
ini-support-own = L'hai proposta tu, quindi il tuo sostegno c'è già.
ini-support-already = La sostieni già.
ini-support-closed = Non raccoglie più sostegni: { $status }.
ini-unsupported = Il tuo sostegno a "{ $title }" è ritirato. Ora ne ha { $supports }.
ini-unsupport-not = Qui non c'è un tuo sostegno da ritirare, o i sostegni sono chiusi.
ini-joined = Partecipi a "{ $title }". Te lo ricorderemo il giorno prima.
ini-volunteered = Grazie: sei volontario per "{ $title }". L'autore ti può scrivere qui.
ini-join-waiting = "{ $title }" è al completo. Sei il numero { $place } in lista d'attesa: se si libera un posto è tuo e ti avvisiamo.
ini-join-already = Partecipi già.
ini-join-closed = Non puoi più partecipare: { $status }.
ini-left = Non partecipi più a "{ $title }".
ini-leave-not = Non partecipavi.
ini-vote-not-resident = Votano solo i residenti di { $area }. Se abiti lì, indica la tua zona con /start.
ini-voted-yes = Il tuo voto per "{ $title }" è contato: sì.
ini-voted-no = Il tuo voto per "{ $title }" è contato: no.
ini-vote-already = Hai già votato. Ogni persona vota una volta.
ini-vote-closed = Il voto non è aperto.
ini-ask-comment = Scrivi il tuo commento su "{ $title }".
ini-ask-report = Qual è il problema con "{ $title }"? Scrivilo in poche parole: lo leggerà un moderatore.
ini-ask-update = Scrivi il messaggio per chi sostiene e partecipa a "{ $title }".
ini-ask-date = Quando si svolgerà "{ $title }"? Scrivi un giorno e un'ora, per esempio "sabato 12/12 alle 10".
ini-ask-outcome = Com'è andata "{ $title }"? Scrivi qualche parola su cosa è successo.
ini-ask-attendance = Quante persone sono venute a "{ $title }"? Scrivi un numero.
ini-ask-reason = Perché? Scrivi il motivo: lo leggerà l'autore.
ini-attendance-number = Scrivi il numero di persone, per esempio 25.
ini-commented = Grazie, il tuo commento è pubblicato.
ini-reported = Grazie. Un moderatore la controllerà.
ini-report-already = L'hai già segnalata. Grazie.
ini-update-too-soon = Potrai scrivere di nuovo ai sostenitori da { $when }, così nessuno riceve troppi messaggi.
ini-update-too-soon-now = È appena partito un altro messaggio. Riprova tra qualche giorno.
ini-update-sent = Inviato a { $n ->
    [one] una persona
   *[other] { $n } persone
}.
ini-step-impossible = Ora non si può. Stato: { $status }.
ini-changed-meanwhile = Qualcuno l'ha cambiata nel frattempo. Aprila di nuovo per vedere com'è ora.
ini-decided-by-vote = In questa zona decidono i residenti con un voto: lo staff controlla solo che le proposte siano lecite.
ini-moderator-phase-two = I moderatori si eleggono solo dove decidono i residenti (fase 2).
ini-done = Fatto.
ini-done-submitted = "{ $title }" è inviata. Lo staff la controlla e la pubblica: ti avviseremo.
ini-done-published = "{ $title }" è pubblicata e raccoglie sostegni.
ini-done-accepted = "{ $title }" è accettata. Autore e sostenitori sono avvisati.
ini-done-rejected = "{ $title }" non è accettata. L'autore legge il tuo motivo.
ini-done-withdrawn = "{ $title }" è ritirata. Sostenitori e partecipanti sono avvisati.
ini-done-held = Bravi! "{ $title }" si è svolta. Racconta com'è andata: il quartiere lo leggerà.
ini-done-reported = Grazie: il resoconto di "{ $title }" è pubblicato.
ini-done-scheduled = "{ $title }" è fissata per { $when }. I partecipanti sono avvisati e lo ricorderemo il giorno prima.
ini-hidden-done = Nascosta. L'autore è avvisato.
ini-restored-done = Di nuovo visibile. L'autore è avvisato.
ini-moderation-already = Lo era già.
ini-note-status = Novità su "{ $title }": { $status }.
ini-note-status-reason = Novità su "{ $title }": { $status }. Motivo: { $reason }
ini-note-followed = Novità su "{ $title }", che segui: { $status }.
ini-note-followed-date = "{ $title }", che segui, si svolge { $when }.
ini-note-milestone = "{ $title }" ha { $supports ->
        [one] 1 sostegno
       *[other] { $supports } sostegni
    } su { $threshold }.
ini-note-comment = Nuovo commento su "{ $title }": { $text }
ini-note-update = Messaggio dall'autore di "{ $title }": { $text }
ini-note-promoted = Si è liberato un posto: ora partecipi a "{ $title }".
ini-note-remind = Domani: "{ $title }", { $when }.
ini-note-hidden = "{ $title }" è nascosta finché un moderatore non la controlla, perché alcuni residenti l'hanno segnalata.
ini-note-restored = "{ $title }" è di nuovo visibile.
ini-note-ask-outcome = "{ $title }" si è svolta. Racconta al quartiere com'è andata.
ini-note-review = "{ $title }" ti aspetta ({ $status }). Aprila per decidere, o scrivi /review per vedere tutto quello che ti aspetta.
ini-review = { $n ->
    [one] Un'iniziativa ti aspetta:
   *[other] { $n } iniziative ti aspettano:
}
ini-review-none = Non c'è niente che ti aspetta. Ottimo.
ini-phase-usage = Scrivi /fase, la zona e 1 o 2. Per esempio: /fase Centocelle 2
ini-phase-is = A { $area } siamo in { $phase }.
ini-phase-set = Fatto: a { $area } ora siamo in { $phase }.
ini-stats = Partecipazione a { $area }, per mese:
ini-stats-line = { $month }: { $proposed ->
        [one] 1 proposta
       *[other] { $proposed } proposte
    }, { $supports ->
        [one] 1 sostegno
       *[other] { $supports } sostegni
    }, { $held ->
        [one] 1 svolta
       *[other] { $held } svolte
    }, { $people ->
        [one] 1 residente coinvolto
       *[other] { $people } residenti coinvolti
    }, { $bookings ->
        [one] 1 prenotazione
       *[other] { $bookings } prenotazioni
    }
ini-stats-none = Nessuna attività negli ultimi mesi.
chart-participation-title = Partecipazione a { $area }, { $months ->
        [one] questo mese
       *[other] ultimi { $months } mesi
    }
chart-participation-summary = Grafico della partecipazione a { $area } { $months ->
        [one] in questo mese
       *[other] negli ultimi { $months } mesi
    }: { $proposed ->
        [one] 1 iniziativa proposta
       *[other] { $proposed } iniziative proposte
    }, { $supports ->
        [one] 1 sostegno
       *[other] { $supports } sostegni
    }, { $held ->
        [one] 1 attività svolta
       *[other] { $held } attività svolte
    }, { $people ->
        [one] 1 residente coinvolto
       *[other] { $people } residenti coinvolti
    }, { $bookings ->
        [one] 1 prenotazione
       *[other] { $bookings } prenotazioni
    }.
chart-series-proposed = Iniziative proposte
chart-series-supports = Sostegni
chart-series-held = Attività svolte
chart-series-people = Residenti coinvolti
chart-series-bookings = Prenotazioni
chart-area-all = tutte le zone
chart-month = { $month ->
        [1] gen
        [2] feb
        [3] mar
        [4] apr
        [5] mag
        [6] giu
        [7] lug
        [8] ago
        [9] set
        [10] ott
        [11] nov
       *[12] dic
    } { $year }

## Booking: associations, several days

book-refused-association-quota = Ogni associazione può prenotare al massimo { $n ->
        [one] 1 ora
       *[other] { $n } ore
    } a settimana in questa Casa, così c'è posto per tutti. Scegli un'altra settimana.
book-days-too-many = Posso prenotare al massimo { $n } giorni di fila in una volta. Scrivi un periodo più breve, per esempio «dal 3 al 5 marzo».
book-ask-time-days = Dal { $first } al { $last } prenoto lo stesso orario ogni giorno: si prenota al massimo { DURATION($max) } alla volta, non giornate intere.
book-summary-days = Ogni giorno alla stessa ora fino al { $last }: { $n } giorni (i giorni occupati li salto e te li dico).
book-days-done = Prenotato { $n ->
        [one] 1 volta
       *[other] { $n } volte
    }: { $space }, ogni giorno a partire da { $when }. Scrivi /bookings per vederle.
book-series-skipped-quota = Saltata: { $when } (supera le ore a settimana).
book-summary-for = Per l'associazione: { $association }.
book-weekly-associations-only = Le prenotazioni ogni settimana sono per le associazioni: prenoto solo questa data.
book-for-no-association = Non risulti in un'associazione che può prenotare. Chiedi a chi gestisce la Casa di registrarti, oppure prenota per te.
book-for-not-yours = Non puoi prenotare per questa associazione. Chiedi a chi gestisce la Casa, oppure prenota per te.
book-ask-for-whom = Per chi prenoti? Per te, o per un'associazione?
button-book-for-me = Per me
association-usage = Le associazioni le registra chi gestisce la Casa del Welfare. Se fai parte di un'associazione, chiedi di aggiungerti: potrai prenotare a suo nome.
association-usage-staff = Per le associazioni della tua zona: /association new ID ZONA NOME – registra; /association add ID ACCOUNT [prenota] – aggiungi un membro (con «prenota» può prenotare a nome dell'associazione); /association remove ID ACCOUNT – togli un membro; /association ID – vedi i membri.
association-list-intro = Associazioni:
association-line = { $name } ({ $id }, { $area }): { $role }
association-role-booker = puoi prenotare a suo nome
association-role-member = membro
association-role-staff = la gestisci tu
association-unknown = Non trovo l'associazione «{ $id }». Scrivi /association per vedere quelle che gestisci.
association-no-members = Non ha ancora membri. Aggiungili con /association add { $id } ACCOUNT prenota.
association-member-line = { $name } ({ $accounts }): { $role }
association-bad-id = «{ $id }» non va bene come codice: usa da 2 a 64 lettere minuscole, cifre e trattini, per esempio orti-centocelle.
association-registered = Registrata: { $name } ({ $id }). Ora aggiungi i membri con /association add { $id } ACCOUNT prenota.
association-updated = Aggiornata: { $name } ({ $id }).
association-booker-added = { $name } ora può prenotare a nome di { $association }.
association-member-added = { $name } ora è membro di { $association }.
association-member-removed = { $name } non è più membro di { $association }.
association-not-member = { $name } non era membro di { $association }.

## Booking: bots without the booking module, help

initiatives-not-on-this-bot = Questo bot non gestisce le iniziative della comunità. Scrivi /help per vedere cosa puoi fare qui.
booking-not-on-this-bot = Su questo bot non si prenotano gli spazi delle Case del Welfare. Scrivi /help per vedere cosa puoi fare qui.
help-booking =
    /book – prenota uno spazio di una Casa del Welfare; /free – cosa è libero
    /bookings – le tue prenotazioni; /checkin – segna che sei arrivato o arrivata
    Le associazioni prenotano anche ogni settimana: «la saletta ogni martedì alle 18 per l'associazione …».
help-staff-booking = Per le prenotazioni: /approve – approva le prenotazioni delle Case nella tua zona; /association – le associazioni della tua zona e chi può prenotare a loro nome. /space – chiudi o riapri uno spazio, approvazione sì o no.

## Booking: calendar files

button-calendar = Calendario (.ics)
bookings-calendar = Ecco il file di calendario con { $n ->
        [one] la tua prenotazione
       *[other] le tue { $n } prenotazioni
    }: aprilo con l'app del calendario.
console-file-saved = File salvato: { $path }
console-chart-saved = { $summary } Grafico salvato: { $path }

## Booking: staff manage spaces

book-refused-space-closed = Lo spazio è chiuso in quel momento, fino al { $until }: { $reason }
space-usage = Per gli spazi delle Case della tua zona: /space close SPAZIO G/M[-G/M] [HH-HH] MOTIVO – chiudi (giorni interi, o le stesse ore ogni giorno); /space open NUMERO – riapri; /space approval SPAZIO on|off|file – approvazione sì, no, o come nel file. /space da solo elenca gli spazi.
space-list-intro = Spazi delle Case della tua zona:
space-line = { $space } ({ $id }): { $approval }
space-approval-on = da approvare
space-approval-off = senza approvazione
space-closure-line = n. { $id }: { $space }, chiusura dal { $from } al { $to } ({ $reason })
space-none = Non gestisci spazi di nessuna Casa.
space-unknown = Non trovo lo spazio «{ $space }». Scrivi /space per vedere i codici.
space-bad-dates = Non capisco le date o gli orari. Scrivi per esempio /space close centocelle-saletta 24/12-26/12 Natale, oppure 3/12 10-12 imbiancatura.
date-out-of-range = Leggo solo date dal { $from } al { $to }. Controlla l'anno e riprova.
space-closed = Chiuso: { $space }.
space-closed-no-bookings = Non c'erano prenotazioni in quel periodo.
space-closed-bookings = { $n ->
        [one] C'è una prenotazione in quel periodo: abbiamo avvisato chi l'ha fatta.
       *[other] Ci sono { $n } prenotazioni in quel periodo: abbiamo avvisato chi le ha fatte.
    }
space-closed-booking-line = { $space }, { $when }: { $name }
space-closed-notice = Attenzione: { $space } non sarà disponibile quando hai prenotato ({ $when }). Motivo: { $reason }. Puoi spostare o annullare la prenotazione qui sotto.
button-move-booking-one = Sposta la prenotazione
space-closure-unknown = Non trovo la chiusura n. { $id }. Scrivi /space per vedere quelle in corso.
space-reopened = Riaperto.
space-approval-set = { $space }: ora { $approval }.

## Collegare gli account di più reti

link-code = Il tuo codice è { $code }. Sull'altra rete (Telegram, Matrix) scrivi /collega { $code } entro { DURATION($minutes) } e conferma da tutte e due le parti: i tuoi account diventano uno solo, con prenotazioni e sostegni insieme. Non dare il codice a nessuno.
link-done = Fatto: i tuoi account ora sono una sola persona. Prenotazioni, sostegni e voti sono insieme, e contano una volta sola.
link-unknown = Questo codice non è valido o è scaduto. Sull'altra rete scrivi /collega per averne uno nuovo, poi scrivilo qui.
link-same = Questo account è già collegato a quello.

## Hardening: waitlist rules, limits per person.
waitlist-slot-free = { $when } è libero: puoi prenotarlo subito.
button-book-it = Prenota
waitlist-full = Sei già in lista d'attesa per { $n } orari, il massimo. Guarda le tue prenotazioni o aspetta che se ne liberi uno.
waitlist-lapsed = La tua attesa per { $space }, { $when } è finita, perché ora non si può prenotare: { $reason } Puoi cercare un altro orario con /book.
waitlist-offer-refused = Per questo non possiamo tenerlo per te: lo offriamo alla prossima persona in fila. Puoi cercare un altro orario con /book.
ini-drafts-too-many = Hai già { $n } bozze aperte, il massimo. Finiscine una o annullala: scrivi /myinitiatives per vederle.
limit-per-hour = Ne hai già scritti { $n } nell'ultima ora, il massimo. Riprova più tardi.
slow-down = Stai scrivendo molto in fretta. Facciamo una pausa di { $n } secondi, poi ti rispondo di nuovo.
waitlist-closed = La tua attesa per { $space }, { $when } è finita: lo spazio sarà chiuso in quel momento ({ $reason }). Puoi cercare un altro orario con /book.

# Collegare account con conferma da tutte e due le parti; dati personali completi (issue 11).
link-confirm-typist = Stai per unire questo account a { $name } { $network ->
        [console] sulla console
       *[other] su { $network }
    }. Sei tu? Se confermi, ti chiederò di confermare anche là.
link-confirm-maker = { $name } { $network ->
        [console] sulla console
       *[other] su { $network }
    } ha scritto il tuo codice e vuole unirsi a questo account. Conferma solo se quell'account è tuo.
link-waiting = Bene. Ora conferma { $network ->
        [console] sulla console
       *[other] su { $network }
    }: ti ho scritto là.
link-cancelled = Va bene, non ho collegato niente. Per riprovare scrivi /collega.
link-too-many = Hai scritto troppi codici sbagliati. Riprova tra un'ora con un codice nuovo: scrivi /collega sull'altra rete.
link-roles-dropped = I ruoli dell'altro account ({ $roles }) non sono passati a questo. Chiedi a un amministratore di assegnarteli di nuovo.
button-link-yes = Sì, sono io
button-link-no = No, non sono io

## A call for help: contacts first, discreetly.
safety-first = Grazie di avermelo scritto. Se sei in pericolo adesso, chiama subito il 112. Puoi chiedere aiuto anche a questi numeri:
safety-first-self-harm = Mi dispiace che tu stia così male. Puoi parlarne adesso con qualcuno che ascolta, senza giudicare. Se sei in pericolo, chiama subito il 112:
safety-contact = { $name }: { $phone } ({ $note })
safety-services = Qui vicino ci sono anche questi servizi. Sono riservati e gratuiti:
safety-after = Puoi scrivermi quando vuoi. Se qualcuno può leggere il tuo telefono, puoi cancellare questa chat.
choice-from-earlier = Quella scelta è di un messaggio precedente. Ecco la domanda di adesso:
resume-booking = Vuoi riprendere la prenotazione?
resume-proposal = Vuoi riprendere la proposta che stavi scrivendo?
resume-onboarding = Quando vuoi, ti faccio due domande veloci (lingua e zona) per cercare vicino a te. Puoi anche saltarle.
resume-other = Vuoi riprendere da dove eravamo?
resume-dropped = Va bene, lascio stare. Scrivimi quando vuoi.
resume-back = Riprendiamo da dove eravamo.
button-resume = Sì, riprendi
button-resume-no = No, lascia stare
book-house-hours = Orari della { $house }:
## Announcements (issue 13)
announce-house-unknown = Non conosco la casa del welfare «{ $house }». Usa il suo codice, per esempio casa-centocelle.
announce-empty = L'avviso è vuoto. Scrivi il testo in italiano.
announce-too-long = L'avviso è troppo lungo: al massimo { $max } caratteri. Accorcialo e riprova.
announce-in-the-past = Quell'ora è già passata. Scegli un momento futuro, oppure invia subito.
announce-unknown = Non trovo l'avviso numero { $id }. Controlla il numero e riprova.
announce-closed = L'avviso numero { $id } è già concluso o annullato. Non c'è niente da fermare.
announce-copy = { $text }

  — Per non ricevere più avvisi scrivi /notifications off.
announce-room-copy = { $text }
announce-done = L'avviso numero { $id } è stato consegnato: { $sent ->
        [one] 1 inviato
       *[other] { $sent } inviati
    }, { $unreachable ->
        [one] 1 non raggiungibile
       *[other] { $unreachable } non raggiungibili
    }, { $opted_out ->
        [one] 1 persona non vuole avvisi
       *[other] { $opted_out } persone non vogliono avvisi
    }.
announce-own = Non puoi approvare un tuo avviso: deve farlo un'altra persona dello staff.
announce-not-pending = L'avviso numero { $id } non aspetta più un'approvazione.
announce-usage = Scrivi /announce per preparare un avviso; /announce list per vedere gli ultimi; /announce status NUMERO per sapere com'è andato; /announce correct NUMERO per correggerlo; /announce cancel NUMERO per fermarlo.
announce-scope = { $territory }
announce-scope-everywhere = tutte le zone
announce-who-home = chi abita lì
announce-who-interest = chi si interessa di «{ $category }»
announce-who-initiatives = chi sostiene o partecipa alle iniziative
announce-who-bookings = chi ha una prenotazione alla { $house }
announce-who-role = { $role }
announce-role-staff = lo staff
announce-role-moderator = i moderatori
announce-ask-territory = Per quale zona è l'avviso? Scegli qui sotto oppure scrivi il nome della zona.
announce-everywhere = Tutte le zone
announce-ask-who = Zona: { $scope }. A chi mando l'avviso?
announce-who-home-button = Chi abita nella zona
announce-who-interest-button = Chi si interessa di un tema
announce-who-initiatives-button = Chi segue le iniziative
announce-who-bookings-button = Chi ha prenotato in una casa
announce-who-role-button = Un ruolo
announce-ask-category = Quale tema?
announce-no-houses = In { $scope } non ci sono case del welfare. Scegli un altro pubblico.
announce-ask-house = Quale casa del welfare?
announce-ask-role = Quale ruolo?
announce-ask-text = Scrivi il testo dell'avviso in italiano (al massimo { $max } caratteri).
announce-ask-english = Scrivi lo stesso avviso in inglese, per chi legge in inglese. Se salti, anche loro lo ricevono in italiano.
announce-no-english = Salta
announce-ask-when = Quando lo mando? Scrivi «ora», «domani alle 9», una data e un'ora («12/12 alle 9») oppure «ogni lunedì alle 9».
announce-now = Ora
announce-when-unread = Non ho capito quando.
announce-when-now = subito
announce-when-at = il { $at }
announce-when-every = ogni { $day } alle { $time }
announce-weekday-1 = lunedì
announce-weekday-2 = martedì
announce-weekday-3 = mercoledì
announce-weekday-4 = giovedì
announce-weekday-5 = venerdì
announce-weekday-6 = sabato
announce-weekday-7 = domenica
announce-draft-lost = L'avviso in preparazione non c'è più. Scrivi /announce per ricominciare.
announce-preview-it = Ecco come lo leggerà chi usa l'italiano:
announce-preview-en = Ecco come lo leggerà chi usa l'inglese:
announce-summary = Per { $who } in { $scope }, { $when }.
announce-estimate = Se partisse ora lo riceverebbero { $telegram } su Telegram, { $matrix } su Matrix e { $other } altrove; l'invio richiede circa { $seconds } s.
announce-estimate-left-out = Non lo riceverebbero { $opted_out } che non vogliono avvisi e { $unreachable } che non si possono raggiungere.
announce-needs-approval = In questa zona serve l'approvazione di un'altra persona dello staff: partirà solo dopo.
announce-send = Sì, invia
announce-dont-send = No, lascia stare
announce-not-sent = Va bene, non mando niente.
announce-pending = L'avviso numero { $id } aspetta l'approvazione di un'altra persona dello staff. Te lo dico quando arriva.
announce-kept = Fatto: l'avviso numero { $id } parte { $when }. Scrivi /announce status { $id } per sapere com'è andato.
announce-approve-ask = { $author } ha preparato l'avviso numero { $id } e serve la tua approvazione. Il testo:

  { $text }
announce-approve = Approva
announce-reject = Rifiuta
announce-approved = Hai approvato l'avviso numero { $id }: partirà all'ora stabilita.
announce-rejected = Hai rifiutato l'avviso numero { $id }: non partirà.
announce-approved-author = { $name } ha approvato il tuo avviso numero { $id }: partirà all'ora stabilita.
announce-rejected-author = { $name } ha rifiutato il tuo avviso numero { $id }: non partirà.
announce-state-pending = in attesa di approvazione
announce-state-scheduled = programmato
announce-state-sending = in invio
announce-state-done = consegnato
announce-state-cancelled = annullato
announce-cancelled = L'avviso numero { $id } è fermato. Quello che è già partito resta inviato.
announce-list-empty = Non ci sono avvisi da mostrarti.
announce-list = Gli ultimi avvisi:
announce-list-line = { $id } · { $state } · { $at } · { $text }
announce-approval-usage = Scrivi /announce approval on ZONA perché gli avvisi della zona partano solo dopo l'approvazione di un'altra persona dello staff, oppure /announce approval off ZONA per toglierla.
announce-approval-on = Da ora gli avvisi per { $territory } partono solo dopo l'approvazione di un'altra persona dello staff.
announce-approval-off = Da ora gli avvisi per { $territory } partono senza un'altra approvazione.
announce-correct-cancelled = L'avviso numero { $id } è annullato: non si può correggere. Se serve, scrivi /announce e mandane uno nuovo.
announce-correct-too-old = L'avviso numero { $id } è partito più di { $hours } ore fa: Telegram non permette più di modificarlo. Se serve, scrivi /announce e manda una rettifica.
announce-correct-ask-text = Scrivi il nuovo testo dell'avviso numero { $id } in italiano (al massimo { $max } caratteri). Chi l'ha già ricevuto vedrà il messaggio modificato.
announce-correct-summary = Correggo l'avviso numero { $id }: { $edited ->
        [0] nessun messaggio già inviato da modificare
        [one] 1 messaggio già inviato viene modificato
       *[other] { $edited } messaggi già inviati vengono modificati
    }; chi non l'ha ancora ricevuto avrà il testo nuovo.
announce-correct-some-too-old = { $count ->
        [one] 1 messaggio è partito più di { $hours } ore fa: Telegram non permette di modificarlo e resta com'era.
       *[other] { $count } messaggi sono partiti più di { $hours } ore fa: Telegram non permette di modificarli e restano com'erano.
    }
announce-correct-send = Sì, correggi
announce-correct-not-sent = Va bene, l'avviso resta com'era.
announce-corrected = Fatto: l'avviso numero { $id } è corretto (correzione { $correction }). Scrivi /announce status { $id } per vedere le modifiche.
announce-status-correction = Correzione { $correction } — messaggi modificati: { $edited }, in coda: { $queued }, non riusciti: { $failed }, troppo vecchi per Telegram: { $too_old }, annullati: { $cancelled }.
announce-status = Avviso numero { $id }: { $state }, { $at }; { $total } destinatari.
announce-status-network = { $network } — inviati: { $sent }, in coda: { $queued }, non riusciti: { $failed }, non raggiungibili: { $unreachable }, non vogliono avvisi: { $opted_out }, annullati prima di partire: { $cancelled }.
announce-status-reason = Motivo: { $reason } ({ $count })
announce-done-rooms = { $rooms ->
        [one] Nelle stanze della zona: 1 messaggio pubblicato
       *[other] Nelle stanze della zona: { $rooms } messaggi pubblicati
    }{ $missed ->
        [0] .
       *[other] , { $missed } non riusciti.
    }
announce-rooms-only-button = Solo le stanze della zona ({ $rooms })
announce-ask-rooms = La zona ha { $rooms ->
        [one] una stanza collegata
       *[other] { $rooms } stanze collegate
    } (gruppi generali e di avvisi; mai quelle dei moderatori). Lo pubblico anche lì?
announce-rooms-also = Sì, anche nelle stanze
announce-rooms-none = No, solo alle persone
announce-preview-rooms = Ecco come lo leggerà chi è nelle stanze della zona:
announce-who-rooms = le stanze collegate
announce-who-and-rooms = { $who } e le stanze collegate
announce-estimate-rooms = Se partisse ora lo riceverebbero { $telegram } su Telegram, { $matrix } su Matrix e { $other } altrove, più { $rooms ->
        [one] 1 stanza
       *[other] { $rooms } stanze
    }; l'invio richiede circa { $seconds } s.
announce-status-rooms = Stanze su { $network } — pubblicato: { $sent }, in coda: { $queued }, non riuscito: { $failed }, non raggiungibili: { $unreachable }, annullati prima di partire: { $cancelled }.
help-announce-staff = Per gli avvisi: /announce – prepara un avviso per la tua zona; /announce list, /announce status NUMERO, /announce cancel NUMERO.
## Rooms and moderation

rooms-not-on-this-bot = Questo bot non gestisce i gruppi dei quartieri. Scrivi /help per vedere cosa puoi fare qui.
help-rooms = /rooms – i gruppi della tua zona, con un link personale per entrare; /rooms ZONA – quelli di un'altra zona; /rules – le regole; nei gruppi, /report [motivo] in risposta a un messaggio lo segnala ai moderatori; /appeal TESTO – ricorso contro una tua sanzione.
help-rooms-moderator = Nei gruppi, rispondendo al messaggio di una persona: /warn [motivo] – ammonisci; /mute 2h [motivo] – silenzia; /unmute; /ban [1d] [motivo]; /unban; /kick; /del – cancella il messaggio; /warns – la situazione della persona; /modlog – il registro. Nel gruppo, /rules set [it|en] TESTO, /welcome set [it|en] TESTO e /questions set [it|en] DOMANDA | DOMANDA; in privato, con la zona: /rules set centocelle en TESTO. Protezioni del gruppo: /protect, /protect flood 5 10, /protect links on|off.
help-rooms-staff = Per i gruppi: scrivi nel gruppo /room link ZONA [general|announcements|moderators] per collegarlo alla zona; /room unlink per scollegarlo. /room lang it|it,en – le lingue del gruppo; /escalation [ZONA] 3 30 24h 7d – quante ammonizioni portano al silenzio e al ban nella zona (/escalation predefinita per tornare a quella sopra).
rooms-not-in-group = Questo comando si usa dentro il gruppo. Aggiungi il bot al gruppo come amministratore e scrivilo lì.
rooms-not-linked = Questo gruppo non è collegato a nessuna zona. Lo staff della zona può collegarlo con /room link ZONA.
rooms-needs-territory = Scrivi anche la zona, per esempio: /room link centocelle.
rooms-purpose-unknown = Non conosco il tipo di gruppo «{ $purpose }». Usa general, announcements o moderators.
rooms-protected = Non puoi sanzionare questa persona: fa parte dello staff, è un amministratore o modera una zona ampia quanto la tua. Chiedi allo staff della zona.
rooms-not-yourself = Non puoi sanzionare te stesso. Chiedi a un altro moderatore.
rooms-needs-reply = Rispondi al messaggio della persona con il comando, così so a chi si riferisce.
rooms-duration-unknown = Non capisco la durata «{ $given }». Scrivi per esempio 30m, 2h, 1d, 1w, «2 ore» o «3 giorni».
rooms-needs-duration = Scrivi per quanto tempo, per esempio: /mute 2h oppure /mute 3 giorni.
rooms-nothing-to-lift = Questa persona non ha niente di questo tipo da togliere qui. Scrivi /warns in risposta a un suo messaggio per vedere la sua situazione.
rooms-bot-lacks-rights = Nel gruppo mi mancano questi permessi da amministratore: { $missing }. Dammeli nelle impostazioni del gruppo e scrivi di nuovo /room link.
rooms-rights-unchecked = Non riesco a controllare i miei permessi nel gruppo adesso. Riprova tra qualche minuto.
rooms-purpose-general = generale
rooms-purpose-announcements = annunci
rooms-purpose-moderators = moderatori
rooms-linked = Fatto: questo gruppo è collegato a { $territory } come gruppo { $purpose }. I moderatori della zona possono usare qui /warn, /mute e /ban.
rooms-unlinked = Fatto: questo gruppo non è più collegato a { $territory }. Le sanzioni già date restano.
rooms-this-room = Questo gruppo è collegato a { $territory } come gruppo { $purpose }. Scrivi /rooms per vedere gli altri gruppi della zona.
rooms-room-usage = Questo gruppo non è collegato a una zona. Lo staff della zona scrive qui /room link ZONA per collegarlo.
rooms-list-which = Di quale zona? Scrivi per esempio /rooms centocelle, oppure scegli la tua zona con /start.
rooms-none = { $territory } non ha ancora gruppi collegati. Chiedi alla tua Casa del Welfare.
rooms-list = { $count ->
    [one] { $territory } ha un gruppo:
   *[other] { $territory } ha { $count } gruppi:
}
rooms-list-line = • { $territory }: gruppo { $purpose } su { $network }
rooms-warned = { $name } ha ricevuto un'ammonizione ({ $count } di { $limit }).
rooms-unwarned = Tolta un'ammonizione a { $name }. Ora ne ha { $count }.
rooms-muted = { $name } non può scrivere nei gruppi della zona fino al { $until }.
rooms-banned-until = { $name } è fuori dai gruppi della zona fino al { $until }.
rooms-banned = { $name } è fuori dai gruppi della zona.
rooms-unmuted = { $name } può scrivere di nuovo.
rooms-unbanned = { $name } può tornare nei gruppi della zona.
rooms-kicked = { $name } è stato allontanato dal gruppo. Può rientrare.
rooms-deleted = Messaggio cancellato.
rooms-reason = Motivo: { $reason }
rooms-actions-failed = Non sono riuscito a farlo in { $count ->
    [one] un gruppo
   *[other] { $count } gruppi
}: controlla che io sia ancora amministratore.
rooms-you-were-warned = Hai ricevuto un'ammonizione in un gruppo del tuo quartiere.
rooms-you-were-muted = Non puoi scrivere nei gruppi della zona fino al { $until }. Puoi continuare a leggere.
rooms-you-were-banned-until = Sei fuori dai gruppi della zona fino al { $until }.
rooms-you-were-banned = Sei fuori dai gruppi della zona.
rooms-you-may-write-again = Puoi di nuovo scrivere nei gruppi della zona. Ti chiediamo di rispettare le regole.
rooms-how-to-appeal = Se pensi che sia un errore, scrivimi in privato /ricorso seguito da cosa è successo: lo leggerà un altro moderatore della zona.
rooms-standing = { $name }: { $warnings ->
    [0] nessuna ammonizione
    [one] un'ammonizione
   *[other] { $warnings } ammonizioni
} negli ultimi 30 giorni.
rooms-standing-muted = Silenziato fino al { $until }.
rooms-standing-banned = Fuori dai gruppi fino al { $until }.
rooms-modlog-empty = Il registro della zona è vuoto.
rooms-modlog = Le ultime { $count } azioni nel registro:
rooms-modlog-line = { $when } · { $actor } · { $action } { $subject } · { $reason }
rooms-needs-text = Scrivi anche il testo, per esempio: /rules set it Rispettiamoci a vicenda.
rooms-text-too-long = Il testo è troppo lungo: al massimo { $max } caratteri.
rooms-report-yourself = Non puoi segnalare un tuo messaggio.
rooms-case-closed = Questa richiesta è già stata gestita, oppure non c'è più.
rooms-nothing-to-appeal = Non hai sanzioni in corso contro cui fare ricorso.
rooms-already-appealed = Hai già fatto ricorso contro questa sanzione: i moderatori ti risponderanno.
rooms-acted-on-it = Hai dato tu questa sanzione: il ricorso lo decide un altro moderatore della zona.
rooms-kind-rules = le regole
rooms-kind-welcome = il messaggio di benvenuto
rooms-kind-questions = le domande per entrare
rooms-text-set = Fatto: ho salvato { $kind } in lingua «{ $lang }».
rooms-text-is = Ecco { $kind } per { $territory }:
    { $text }
rooms-text-none = Per { $territory } nessuno ha ancora scritto { $kind }.
rooms-questions-default = Per entrare nei gruppi di { $territory } chiedo: vivi o lavori in zona? Accetti le regole del gruppo?
rooms-join-how = Per entrare, apri il tuo link personale e chiedi di unirti: ti scrivo qui le regole e due domande.
rooms-join-link = • { $territory }: { $link } (valido fino al { $until })
rooms-join-privately = Per entrare, scrivimi /rooms in privato: ti do un link personale.
rooms-question-count = Domanda { $n } di { $count }:
rooms-question-live-or-work = Vivi o lavori nella zona di { $territory }?
rooms-question-accept-rules = Accetti le regole del gruppo?
rooms-question-set = { $question }
button-rooms-yes = Sì
button-rooms-no = No
rooms-join-banned-until = Non posso farti entrare: sei fuori dai gruppi di { $territory } fino al { $until }.
rooms-join-banned = Non posso farti entrare: sei fuori dai gruppi di { $territory }.
rooms-welcome-text = { $text }
rooms-welcome-default = Benvenuta o benvenuto nei gruppi di { $territory }!
rooms-rules-on-joining = Le regole del gruppo:
    { $text }
rooms-rules-none-on-joining = Il gruppo non ha ancora regole scritte: ti chiediamo rispetto e gentilezza.
rooms-join-failed = Non sono riuscito ad accettare la tua richiesta adesso. Riprova tra qualche minuto con /rooms.
rooms-join-approved = Fatto: sei nel gruppo di { $territory }. Buona conversazione!
rooms-join-invited = Fatto: ti ho invitato nel gruppo di { $territory }. Accetta l'invito nella tua app per entrare.
rooms-join-choose = Per entrare, scegli il gruppo: ti scrivo qui le regole e due domande, poi ti invito.
button-rooms-enter = Entra nel gruppo { $purpose } di { $territory }
rooms-linked-within = Ho collegato anche { $count ->
    [one] la stanza che contiene
   *[other] le { $count } stanze che contiene
}.
rooms-join-declined = Non posso farti entrare nel gruppo di { $territory }: servono risposte affermative a tutte le domande. Se hai sbagliato, chiedi di nuovo con /rooms.
button-report-delete = Cancella
button-report-warn = Ammonisci
button-report-mute = Silenzia 1 ora
button-report-ban = Fuori 1 giorno
button-report-dismiss = Archivia
rooms-report-new = Segnalazione in { $territory }: { $reporter } ha segnalato un messaggio di { $member }.
rooms-report-quote = Messaggio: «{ $text }»
rooms-report-thanks = Grazie della segnalazione: l'ho passata ai moderatori della zona.
rooms-report-decided = { $name } ha deciso sulla segnalazione contro { $member }: { $decision }.
rooms-sanction-warning = un'ammonizione
rooms-sanction-mute = il divieto di scrivere
rooms-sanction-ban = l'esclusione dai gruppi
rooms-appeal-new = Ricorso di { $name } contro { $kind } in { $territory } (fino al { $until }).
rooms-appeal-text = Cosa scrive: «{ $text }»
button-appeal-uphold = Confermo la sanzione
button-appeal-lift = Tolgo la sanzione
rooms-appeal-sent = Ho mandato il tuo ricorso ai moderatori della zona. Ti scrivo appena decidono.
rooms-appeal-lifted = Il tuo ricorso è stato accolto: la sanzione è stata tolta.
rooms-appeal-upheld = Il tuo ricorso è stato respinto: la sanzione resta.
rooms-appeal-decided-lift = Fatto: ho tolto la sanzione a { $name } e gliel'ho detto.
rooms-appeal-decided-uphold = Fatto: la sanzione di { $name } resta, e gliel'ho detto.

## Announcements: stopping and restarting them (/notifications).
notifications-off = Va bene: non ti mando più avvisi. Se cambi idea, scrivi /notifications on.
notifications-on = Va bene: ti mando di nuovo gli avvisi della tua zona. Per fermarli scrivi /notifications off.
notifications-status-on = Ricevi gli avvisi della tua zona. Per non riceverli più scrivi /notifications off.
notifications-status-off = Non ricevi avvisi. Per riceverli di nuovo scrivi /notifications on.
notifications-usage = Scrivi /notifications off per non ricevere più avvisi, oppure /notifications on per riceverli di nuovo.
notifications-topic-off = Va bene: non ti mando più avvisi su «{ $topic }». Gli altri avvisi continuano ad arrivarti. Per riceverli di nuovo scrivi /notifications on e il tema.
notifications-topic-on = Va bene: ti mando di nuovo gli avvisi su «{ $topic }».
notifications-topic-unknown = Non conosco il tema «{ $topic }». Prova con parole come cibo, casa, lavoro, salute, oppure scrivi /notifications off per fermare tutti gli avvisi.
notifications-status-topic = Non ricevi gli avvisi su «{ $topic }».

## Follow-ups about the last list or card
followup-no-context = Di quale servizio parli? Prima dimmi cosa cerchi e dove, per esempio «mensa a Ostia», poi puoi chiedermi orari, costi e come arrivare.
followup-which = Di quale servizio della lista? Scrivi il numero, per esempio «1», poi chiedimi di nuovo.
followup-no-such-item = Nella lista ci sono { $count ->
    [one] solo 1 servizio
   *[other] { $count } servizi
}. Scrivi un numero da 1 a { $count }.
followup-hours = Orari di { $name }:
followup-cost = Costo di { $name }: { $text }
followup-cost-in-italian = Costo di { $name }: { $text }
followup-cost-unknown = La scheda di { $name } non dice nulla sul costo. Chiedi direttamente:
followup-where = { $name } si trova qui: { $place }, { $address }.
followup-where-confidential = L'indirizzo di { $name } è riservato, per la sicurezza di chi ci va. { $has_house ->
    [yes] Per averlo, contatta il servizio o chiedi alla { $house }.
   *[other] Per averlo, contatta il servizio.
}
followup-ask-house = Non ci sono contatti nella scheda: chiedi alla casa del welfare più vicina.

# Protections, languages and escalation of rooms (issue 12)
rooms-flood-out-of-range = Per la protezione dai messaggi a raffica servono due numeri: messaggi (da 1 a { $messages }) e secondi (da 1 a { $seconds }). Esempio: /protect flood 5 10.
rooms-protect-unknown = Non ho capito. Usa /protect per vedere le protezioni, /protect flood 5 10 (più di 5 messaggi in 10 secondi silenziano per 10 minuti), /protect flood off, /protect links on|off (i primi messaggi dei nuovi arrivati con link o inoltri aspettano un moderatore).
rooms-escalation-out-of-range = Non ho capito. Scrivi /escalation AMMONIZIONI GIORNI SILENZIO BAN, per esempio /escalation 3 30 24h 7d (da 1 a 20 ammonizioni, finestra e ban fino a 366 giorni, silenzio in ore intere), oppure /escalation predefinita.
rooms-languages-unknown = Le lingue di un gruppo sono l'italiano, oppure l'italiano e l'inglese: /room lang it oppure /room lang it,en.
rooms-flood-muted = Troppi messaggi in poco tempo: silenzio di 10 minuti, poi si può scrivere di nuovo.
rooms-held-new = Messaggio trattenuto nei gruppi di { $territory }: { $member } è appena arrivata o arrivato.
rooms-held-link = Contiene un link.
rooms-held-forwarded = È un inoltro o un contenuto multimediale.
button-held-release = Pubblica
button-held-delete = Elimina
rooms-held-you = Il tuo messaggio nel gruppo contiene un link o un inoltro: lo vede prima un moderatore, poi viene pubblicato o eliminato. Succede solo con i primi messaggi.
rooms-held-released-post = Messaggio di { $member }, approvato da un moderatore:
rooms-held-released = { $name } ha pubblicato il messaggio di { $member }.
rooms-held-deleted = { $name } ha eliminato il messaggio di { $member }.
rooms-on = attiva
rooms-off = spenta
rooms-protect-title = Protezioni di questo gruppo (mai per moderatori, staff e amministratori):
rooms-protect-flood = Messaggi a raffica: più di { $messages } messaggi in { $seconds } secondi silenziano per 10 minuti.
rooms-protect-flood-off = Messaggi a raffica: protezione spenta.
rooms-protect-links = Link e inoltri dei nuovi arrivati trattenuti per un moderatore: { $state }.
rooms-escalation = Ammonizioni a { $territory }: { $warnings } in { $days } giorni silenziano per { $hours } ore; una in più porta fuori dai gruppi per { $ban } giorni.
rooms-escalation-own = È l'impostazione di questa zona.
rooms-escalation-inherited = Viene da { $from }.
rooms-escalation-default = È l'impostazione predefinita.
rooms-languages-set = D'ora in poi scrivo in questo gruppo di { $territory } in: { $langs }.
