# Vicinato — English texts. Short sentences, plain words, always a next step.
# Every id must also exist in locales/it/main.ftl.

## Welcome and first start

welcome = Hello { $name }! I am Vicinato. I help you find services and support near you.
welcome-link = Hello { $name }! Here is the service you were looking for.
choose-language = Which language do you want to use? Choose below.
language-set = All right, let's talk in English.
language-unknown = I don't know the language "{ $text }". For now I speak Italian and English: choose below.
language-it = Italiano
language-en = English
ask-home = Which area do you live in? Type its name (for example Centocelle, Ostia, Viterbo) or choose below.
ask-home-under = Choose an area of { $place }, or tap "{ $place }".
button-home-here = Right here: { $place }
button-skip = Skip
button-start = Let's start
home-not-found = I can't find the area "{ $text }". Try the name of the neighbourhood or town, or choose below.
home-set = Great: your area is { $place }.
home-skipped = All right, you can choose your area later with /start.
onboarding-done = Now ask me what you need, in your own words. For example: "Italian course near me" or "food bank open now". You can also choose an area below.

## Conversation

greeting-reply = Hello { $name }! What are you looking for today? Tell me in your own words or choose an area.
greeting-new = Hello { $name }! I am Vicinato and I help you find services near you. Tap "Let's start" to begin.
thanks-reply = You're welcome! Write to me whenever you need something else.
not-understood = I didn't quite understand. Tell me what you are looking for, for example "Italian course in Centocelle" or "canteen open on Sunday". Or choose an area below.
unknown-command = I don't know the command { $command }. Type /help to see what I can do, or just ask me in your own words.
empty-message = Your message is empty. Tell me what you are looking for, for example "senior centre in Ostia".
unsupported-message = I can only read written messages for now. Write me what you are looking for, for example "doctor in Ostia".
too-long = Your message is too long for me (more than { $max } characters). Can you tell me briefly what you need?
cancelled = Done, I cancelled it. What can I do for you?
nothing-to-cancel = There is nothing to cancel. What are you looking for?
button-expired = This button is no longer valid. Tell me again what you are looking for.
error-busy = I am a bit overloaded right now. Please try again in a few seconds: nothing was lost.
error-internal = Something went wrong on my side. Please try again soon, or type /help.

## Help

help-intro = Here is what you can do with Vicinato.
help-resident =
    Ask me in your own words: "where can I find an Italian course near Centocelle?"
    /services – search services by area or by words
    /book – book a space at a welfare house; /free – what is free
    /bookings – your bookings; /checkin – say you have arrived
    /start – choose your language and area
    /language – change language
    /whoami – what I know about you
    /mydata – all your data; /forget – erase it
    /cancel – cancel what you are doing
help-moderator = As a moderator: commands for community rooms are coming soon.
help-staff = As staff: /grant moderator ACCOUNT AREA – make someone a moderator in your area; /revoke to remove it; /approve – approve bookings of the houses in your area.
help-admin = As an administrator: /grant ROLE ACCOUNT [AREA] and /revoke ROLE ACCOUNT [AREA]. Roles: resident, moderator, staff, admin. Accounts: telegram:123, matrix:@name:server, console:name.
help-examples = Try: "canteen open on Sunday", "help with rent in Municipio V", "psychologist who speaks Arabic".

## Searching services

browse-categories = What are you looking for? Choose an area below, or tell me in your own words.
results-header = { $count ->
        [one] I found one service
       *[other] I found { $count } services
    }{ $area ->
        [none] {""}
       *[other] {" "}for { $area }
    }.{ $pages ->
        [one] {""}
       *[other] {" "}Page { $page } of { $pages }.
    } Tap a number for details.
no-results = I found no services for this request.
no-results-next = Try other words, or choose an area below. With /start you can set your area.
nearest-house = Your nearest welfare house is { $name }, { $address }. { $open }. They can help you in person.
nothing-more = There are no more results. Do you want to look for something else? Choose an area below.
near-me-no-home = I don't know your area yet, so I am searching everywhere. With /start you can choose your area.
widened-words = No service matches all those words: here are the other services of this kind.
widened-time = None is open at that time: here are those open at other times too.
widened-category = Nothing that precise: here are services for { $category }.
widened-territory = Nothing in { $from }: here are those in { $to }.
widened-anywhere = Nothing in { $from }: here are those in other areas.
service-gone = This service is no longer listed. Tell me again what you are looking for.
button-more = More results
button-previous = Back
button-back = Back to results

## Service card

card-where = Where: { $place }, { $address }{ $area ->
        [none] {""}
       *[other] {" "}({ $area })
    }
card-where-confidential = Where: the address is confidential, for the safety of the people who go there. { $has_house ->
        [yes] Ask for it at { $house }.
       *[other] Ask the social services of your area.
    }
card-open-until = Open now, until { $time }
card-open-always = Always open, 24 hours a day
card-opens-at = { $when ->
        [today] Closed now. Opens today at { $time }
        [tomorrow] Closed now. Opens tomorrow at { $time }
       *[other] Closed now. Opens { $day } at { $time }
    }
card-hours-unknown = Opening hours not available: call before you go
card-temporarily-closed = Temporarily closed
card-contact = Contact: { $contact }
card-eligibility = Who it is for: { $text }
card-eligibility-age = Who it is for: { $ages }
card-languages = Languages spoken: { $languages }
card-fees = Cost: { $text }
card-how = How to access: { $text }
card-accessibility = Accessibility: { $text }
card-transport = How to get there: { $text }
card-provider = Run by: { $name }
card-community = Run by the community
card-verified = Information checked on { $date }
card-demo = Example data: this service does not really exist.
age-range = aged { $min } to { $max }
age-from = aged { $min } and over
age-to = up to age { $max }
date-short = on { $date }

weekday-0 = on Monday
weekday-1 = on Tuesday
weekday-2 = on Wednesday
weekday-3 = on Thursday
weekday-4 = on Friday
weekday-5 = on Saturday
weekday-6 = on Sunday
weekday-today = today
weekday-tomorrow = tomorrow

## Service areas

category-elderly = Older people
category-elderly-day-centre = Senior centres
category-elderly-home-care = Care at home
category-disability = Disability
category-disability-support = Disability support
category-family = Families and children
category-family-childcare = Childcare
category-family-parenting = Support for parents
category-housing = Housing and rent
category-housing-rent-support = Help with rent
category-housing-shelter = Shelter and beds
category-work = Work
category-work-job-search = Finding a job
category-work-training = Training
category-migrants = Migrants and Italian courses
category-migrants-italian-course = Italian courses
category-migrants-reception = Reception for migrants
category-health = Health and listening
category-health-counselling = Listening and counselling
category-health-clinic = Clinics
category-food = Food aid
category-food-bank = Food parcels and social shops
category-food-meals = Canteens and meals
category-legal = Legal aid
category-legal-advice = Legal advice
category-youth = Young people
category-youth-centre = Youth centres
category-digital = Digital help
category-digital-help = SPID and online forms
category-other = { $name }

## Languages spoken at services

spoken-it = Italian
spoken-en = English
spoken-ar = Arabic
spoken-fr = French
spoken-es = Spanish
spoken-ro = Romanian
spoken-bn = Bengali
spoken-zh = Chinese
spoken-uk = Ukrainian
spoken-ru = Russian
spoken-tl = Tagalog
spoken-sq = Albanian
spoken-pt = Portuguese
spoken-ur = Urdu
spoken-pa = Punjabi
spoken-hi = Hindi
spoken-ti = Tigrinya
spoken-so = Somali
spoken-wo = Wolof

## Profile and personal data

whoami = You are { $name }. Language: { $language }. Area: { $home ->
        [none] not chosen yet (use /start)
       *[other] { $home }
    }. Roles: { $roles ->
        [none] resident
       *[other] { $roles }
    }. Accounts: { $accounts }.
mydata-intro = Here is all the data Vicinato keeps about you:
mydata-forget-hint = To erase all of it, type /forget.
forget-confirm = Do you really want to erase all your data from Vicinato? This cannot be undone.
button-forget-yes = Yes, erase everything
button-forget-no = No, keep it
forget-done = Done: I erased all your data. If you write to me again, we start from scratch.
forget-kept = All right, I did not erase anything.

## Roles

not-allowed = You are not allowed to use this command. Type /help to see what you can do.
grant-usage = Use it like this: /grant ROLE ACCOUNT AREA, for example /grant moderator telegram:12345 roma-m05.
grant-needs-territory = This role needs an area, for example roma-m05.
territory-unknown = I don't know the area "{ $territory }". Use its code, for example roma-m05.
person-unknown = I can't find anyone with the account "{ $account }". The person must write to Vicinato first.
grant-done = Done: { $name } now has the role { $role }.
grant-already = { $name } already had the role { $role }.
revoke-done = Done: { $name } no longer has the role { $role }.
revoke-missing = { $name } did not have the role { $role }.

## Terminal

console-hint = Type a message and press Enter. To pick an option, type its number. Ctrl+D to quit.
console-no-choice = There is no option { $n }: choose a number from 1 to { $max }, or type a message.

## Telegram

telegram-private-unreachable = I wanted to answer you privately, but Telegram does not let me write first. Open a private chat with me, press Start, then ask again.
telegram-menu-start = Start: choose your language and your area
telegram-menu-services = Find a service near you
telegram-menu-help = What I can do for you
telegram-menu-language = Change language
telegram-menu-cancel = Stop what we are doing
telegram-menu-mydata = See the data I keep about you
telegram-menu-forget = Erase all your data

## Matrix

matrix-choose-number = Reply with the number of your choice.
matrix-private-unreachable = I wanted to answer you in a direct chat, but I could not open one. Start a direct chat with me and ask again.
## Booking spaces of the welfare houses

book-when = { $day } { $date }, { $from }–{ $to }
book-ask-space = Which space would you like to book? Choose below.
book-ask-when = When do you need { $space }? Write a day and a time, for example "Saturday from 3 to 5 pm" or "tomorrow at 10". Hours:
book-ask-people = How many people will come? Write a number (at most { $capacity }).
book-ask-purpose = What do you need the space for? A few words are enough, for example "residents' committee meeting".
book-summary = To sum up: { $space }, { $when }, { $people } people. Purpose: { $purpose }. Shall I book it?
book-needs-approval = The house's staff approve this space: we will write to you as soon as they decide.
book-done = Booked: { $space }, { $when }. We will remind you before. Write /bookings to see or cancel it.
book-pending = Request sent: { $space }, { $when }. We will write to you when the house decides. Write /bookings to see it.
book-dropped = All right, I booked nothing.
book-taken = { $when } is already taken.
book-alternatives = These are the nearest free times. Tap one that suits you, or write another day and time.
book-no-alternatives = I find no free time in that week. Try another day, or write /cancel to leave it.
book-no-spaces = There are no spaces to book here. Write /help to see what you can do.
book-no-such-date = The date "{ $date }" does not exist. Check the day and month and write it again, for example "3 March".
book-one-day = I can book one day at a time. Write the first day and the time; then book the others.
book-refused-past = That time has already passed. Write a day and time from today on.
book-refused-empty = That time lasts no time at all. Write a start and an end, for example "from 3 to 5 pm".
book-refused-short = Bookings last at least { $n } minutes. Write a longer time.
book-refused-long = Bookings last at most { $n } minutes. Write a shorter time.
book-refused-far = You can book at most { $n } days ahead. Choose a nearer date.
book-refused-notice = Bookings must be made at least { $n } minutes before. Choose a later time.
book-refused-closed = The space is closed at that time.
book-refused-no-people = At least one person is needed. How many will you be?
book-refused-capacity = The space holds at most { $n } people. How many will you be? If you are more, choose a bigger space with /book.
book-refused-quota = Each person may book at most { $n } hours a week in this house, so there is room for everyone.
book-refused-no-such-time = That time does not exist on that day (the clocks change).
book-which-house = At which welfare house?
book-free-intro = Free spaces at { $house }, { $day } { $date }:
book-free-line = { $space }: { $times }
book-free-none = { $space }: nothing free
button-book-confirm = Yes, book it
button-book-cancel = No
button-my-bookings = My bookings
bookings-none = You have no bookings. To book, write for example "I would like the main hall on Saturday at 10".
bookings-intro = Your bookings:
bookings-line = { $n }. { $space }, { $when } ({ $status })
booking-status-pending = waiting for approval
booking-status-confirmed = confirmed
booking-status-cancelled = cancelled
booking-status-declined = not approved
booking-status-released = released
button-cancel-booking = Cancel { $n }
button-cancel-booking-one = Cancel the booking
booking-not-found = I cannot find this booking. Write /bookings to see yours.
booking-cancelled = Cancelled: { $space }, { $when }. The space is now free for others.
booking-already-over = This booking is no longer active.
checkin-nothing = You have no booking under way now. You can check in from half an hour before the start.
checkin-done = Check-in recorded for { $space }. Have a good meeting!
approve-none = There are no requests to approve.
approve-line = Request: { $space }, { $when }, { $people } people. Purpose:
button-approve = Approve
button-decline = Decline
approve-already-decided = This request has already been decided.
approve-done = Approved. We told the person who asked.
decline-done = Declined. We told the person who asked.
booking-approved = Good news: your request is approved. { $space }, { $when }.
booking-declined = Sorry: your request for { $space }, { $when } was not approved. You can ask for another time with /book.
booking-released = Your booking of { $space } was released because nobody checked in.
reminder-hours = Reminder: in { $n } hours you have { $space }, { $when }. If you no longer need it, cancel it below.
reminder-minutes = Reminder: in { $n } minutes you have { $space }, { $when }. When you arrive, write /checkin.
telegram-menu-bookings = My bookings
book-summary-move = Moving the booking to: { $space }, { $when }, { $people } people. Purpose: { $purpose }. Shall I? The old one stays until you confirm.
button-move-booking = Move { $n }
booking-status-held = held for you: please confirm
button-waitlist = Put me on the waitlist
waitlist-joined = You are on the waitlist for { $space }, { $when }: number { $n } in line. If it frees up, we will write to you.
waitlist-offer = { $space }, { $when } is free now. We are keeping it for you for { $n } minutes: do you want it?
button-hold-yes = Yes, I'll take it
button-hold-no = No, thanks
waitlist-passed = All right: we are offering it to the next person in line.
waitlist-offer-over = This offer is no longer valid. Write /bookings to see your bookings.
waitlist-offer-expired = The time to confirm { $space } ran out: we offered it to the next person in line.
book-summary-weekly = Every week at the same time, for { $n } weeks (I skip the dates that are taken and tell you which).
book-weekly-done = Booked { $n } times: { $space }, every week from { $when }. Write /bookings to see them.
book-weekly-skipped = Skipped: { $when } (taken or not bookable).
book-hours-day = { $day }: { $times }
