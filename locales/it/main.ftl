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
button-expired = Questo pulsante non è più valido. Scrivimi di nuovo cosa cerchi.
error-busy = Sono un po' sovraccarico in questo momento. Riprova tra qualche secondo: non ho perso niente.
error-internal = Qualcosa non ha funzionato da parte mia. Riprova tra poco, oppure scrivi /help.

## Aiuto

help-intro = Ecco cosa puoi fare con Vicinato.
help-resident =
    Chiedimi con parole tue: «dove trovo un corso di italiano vicino a Centocelle?»
    /services – cerca servizi per area o con parole
    /book – prenota uno spazio di una Casa del Welfare; /free – cosa è libero
    /bookings – le tue prenotazioni; /checkin – segna che sei arrivato o arrivata
    /start – scegli lingua e zona
    /language – cambia lingua
    /whoami – cosa so di te
    /mydata – tutti i tuoi dati; /forget – cancellali
    /cancel – annulla quello che stai facendo
help-moderator = Come moderatore: i comandi per le stanze della comunità arriveranno presto.
help-staff = Come operatore: /grant moderator ACCOUNT ZONA – nomina un moderatore nella tua zona; /revoke per toglierlo; /approve – approva le prenotazioni delle Case nella tua zona.
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
nearest-house = Il punto di riferimento più vicino a te è { $name }, { $address }. { $open }. Lì possono aiutarti di persona.
nothing-more = Non ci sono altri risultati. Vuoi cercare altro? Scegli un'area qui sotto.
near-me-no-home = Non so ancora in che zona vivi, quindi cerco ovunque. Con /start puoi scegliere la tua zona.
widened-words = Nessun servizio corrisponde a tutte quelle parole: ti mostro gli altri servizi di questo tipo.
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
card-temporarily-closed = Temporaneamente chiuso
card-contact = Contatti: { $contact }
card-eligibility = Per chi: { $text }
card-eligibility-age = Per chi: { $ages }
card-languages = Lingue parlate: { $languages }
card-fees = Costo: { $text }
card-how = Come accedere: { $text }
card-accessibility = Accessibilità: { $text }
card-transport = Come arrivare: { $text }
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
mydata-intro = Ecco tutti i dati che Vicinato conserva su di te:
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
book-summary = Ricapitolo: { $space }, { $when }, { $people } persone. Motivo: { $purpose }. Confermi?
book-needs-approval = Questo spazio va approvato da chi gestisce la Casa: ti scriviamo appena decidono.
book-done = Prenotato: { $space }, { $when }. Ti ricordiamo l'appuntamento prima. Scrivi /bookings per vedere o annullare.
book-pending = Richiesta inviata: { $space }, { $when }. Ti scriviamo quando la Casa decide. Scrivi /bookings per vederla.
book-dropped = Va bene, non ho prenotato niente.
book-taken = { $when } è già occupato.
book-alternatives = Ecco gli orari liberi più vicini. Tocca quello che ti va bene, oppure scrivi un altro giorno e orario.
book-no-alternatives = Non trovo orari liberi nella settimana. Prova un altro giorno, oppure scrivi /cancel per lasciar stare.
book-no-spaces = Qui non ci sono spazi da prenotare. Scrivi /help per vedere cosa puoi fare.
book-no-such-date = La data «{ $date }» non esiste. Controlla giorno e mese e riscrivila, per esempio «3 marzo».
book-one-day = Posso prenotare un giorno alla volta. Scrivi il primo giorno e l'orario; poi prenota gli altri.
book-refused-past = Quel momento è già passato. Scrivi un giorno e un orario da oggi in poi.
book-refused-empty = L'orario non dura nulla. Scrivi inizio e fine, per esempio «dalle 15 alle 17».
book-refused-short = Si prenota per almeno { $n } minuti. Scrivi un orario più lungo.
book-refused-long = Si prenota per al massimo { $n } minuti. Scrivi un orario più corto.
book-refused-far = Si prenota al massimo { $n } giorni prima. Scegli una data più vicina.
book-refused-notice = Bisogna prenotare almeno { $n } minuti prima. Scegli un orario più avanti.
book-refused-closed = A quell'ora lo spazio è chiuso.
book-refused-no-people = Serve almeno una persona. Quante sarete?
book-refused-capacity = Lo spazio accoglie al massimo { $n } persone. Quante sarete? Se siete di più, scegli uno spazio più grande con /book.
book-refused-quota = Ognuno può prenotare al massimo { $n } ore a settimana in questa Casa, così c'è posto per tutti.
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
booking-cancelled = Annullata: { $space }, { $when }. Lo spazio ora è libero per altri.
booking-already-over = Questa prenotazione non è più attiva.
checkin-nothing = Non hai una prenotazione in corso adesso. Puoi registrare l'arrivo da mezz'ora prima dell'inizio.
checkin-done = Arrivo registrato per { $space }. Buon lavoro!
approve-none = Non ci sono richieste da approvare.
approve-line = Richiesta: { $space }, { $when }, { $people } persone. Motivo:
button-approve = Approva
button-decline = Rifiuta
approve-already-decided = Questa richiesta è già stata decisa.
approve-done = Approvata. Abbiamo avvisato chi l'ha chiesta.
decline-done = Rifiutata. Abbiamo avvisato chi l'ha chiesta.
booking-approved = Buone notizie: la tua richiesta è approvata. { $space }, { $when }.
booking-declined = Mi dispiace: la tua richiesta per { $space }, { $when } non è stata approvata. Puoi chiedere un altro orario con /book.
booking-released = La prenotazione di { $space } è stata liberata perché nessuno ha registrato l'arrivo.
reminder-hours = Promemoria: tra { $n } ore hai { $space }, { $when }. Se non ti serve più, annullala qui sotto.
reminder-minutes = Promemoria: tra { $n } minuti hai { $space }, { $when }. Quando arrivi scrivi /checkin.
telegram-menu-bookings = Le mie prenotazioni
book-summary-move = Sposto la prenotazione a: { $space }, { $when }, { $people } persone. Motivo: { $purpose }. Confermi? La vecchia resta valida finché non confermi.
button-move-booking = Sposta la { $n }
booking-status-held = tenuta per te: conferma
button-waitlist = Mettimi in lista d'attesa
waitlist-joined = Sei in lista d'attesa per { $space }, { $when }: sei { $n }° in fila. Se si libera, ti scriviamo.
waitlist-offer = Si è liberato { $space }, { $when }. Lo teniamo per te per { $n } minuti: lo vuoi?
button-hold-yes = Sì, lo prendo
button-hold-no = No, grazie
waitlist-passed = Va bene: lo offriamo alla prossima persona in fila.
waitlist-offer-over = Questa offerta non è più valida. Scrivi /bookings per vedere le tue prenotazioni.
waitlist-offer-expired = Il tempo per confermare { $space } è finito: lo abbiamo offerto alla prossima persona in fila.
book-summary-weekly = Ogni settimana alla stessa ora, per { $n } settimane (le date occupate le salto e te le dico).
book-weekly-done = Prenotato { $n } volte: { $space }, ogni settimana a partire da { $when }. Scrivi /bookings per vederle.
book-weekly-skipped = Saltata: { $when } (occupata o non prenotabile).
book-hours-day = { $day }: { $times }
