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
cancelled-draft-kept = Done, I stopped. Your draft "{ $title }" is saved: find it again with /myinitiatives. What can I do for you?
button-expired = This button is no longer valid. Tell me again what you are looking for.
error-busy = I am a bit overloaded right now. Please try again in a few seconds: nothing was lost.
error-internal = Something went wrong on my side. Please try again soon, or type /help.

## Help

help-intro = Here is what you can do with Vicinato.
help-resident =
    Ask me in your own words: "where can I find an Italian course near Centocelle?"
    /services – search services by area or by words
    /start – choose your language and area
    /language – change language
    /whoami – what I know about you
    /link – use Vicinato on Telegram and Matrix as one person
    /mydata – all your data; /forget – erase it
    /notifications off – stop announcements; /notifications on – get them again
    /cancel – cancel what you are doing
help-initiatives =
    /initiatives – what neighbours propose; /week – what is on this week
    /propose – propose an initiative; /myinitiatives – yours
help-moderator = As a moderator: /review – initiatives hidden by reports, to show again or reject with a reason.
help-staff = As staff: /grant moderator ACCOUNT AREA – make someone a moderator in your area; /revoke to remove it.
help-staff-initiatives = For initiatives: /review – initiatives to check and decide; /phase AREA 1|2 – who decides in an area; /stats – participation by month.
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
talk-person = Of course. At the welfare houses there are staff who listen and help in person.
talk-person-house = { $name }, { $address }
talk-person-where = Tell me which area you are in, for example “Centocelle” or “Latina”, and I will point you to the nearest one.
nearest-house = Your nearest welfare house is { $name }, { $address }. { $open }. They can help you in person.
nothing-more = There are no more results. Do you want to look for something else? Choose an area below.
near-me-no-home = I don't know your area yet, so I am searching everywhere. With /start you can choose your area.
search-no-place = I do not know your area yet, so I search all of Lazio. To see nearby services first, tap your area below, or write your neighbourhood or town, for example "bills in Ostia".
widened-words = I searched for “{ $words }”, but no service here uses those words: here are the other services of this kind.
searched-for = I searched for: “{ $words }”.
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
card-day-open = Hours { $day }, { $date }: { $times }
card-day-closed = Not open { $day }, { $date }. Ask me "hours" for the whole week.
card-day-holiday = Not open { $day }, { $date }: it is a public holiday.
card-day-closure = Not open { $day }, { $date }: closed from { $from } to { $to }.
card-timetable = Weekly hours: { $hours }
card-closure = { $span ->
        [day] Closed on { $from }
       *[range] Closed from { $from } to { $to }
    }
card-only-italian = (This description is only in Italian.)
card-temporarily-closed = Temporarily closed
card-contact = Contact: { $contact }
card-eligibility = Who it is for: { $text }
card-eligibility-age = Who it is for: { $ages }
card-languages = Languages spoken: { $languages }
card-fees = Cost: { $text }
card-how = How to access: { $text }
card-accessibility = Accessibility: { $text }
card-transport = How to get there: { $text }
card-transport-in-italian = How to get there (in Italian): { $text }
card-eligibility-in-italian = Who it is for (in Italian): { $text }
card-fees-in-italian = Cost (in Italian): { $text }
card-how-in-italian = How to access (in Italian): { $text }
card-accessibility-in-italian = Accessibility (in Italian): { $text }
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
weekday-short-0 = Mon
weekday-short-1 = Tue
weekday-short-2 = Wed
weekday-short-3 = Thu
weekday-short-4 = Fri
weekday-short-5 = Sat
weekday-short-6 = Sun
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
category-housing-bills = Help with bills
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
mydata-intro = Here is what Vicinato keeps about you. The file below holds all of it, in full.
mydata-counts = Bookings: { $bookings } · Initiatives: { $initiatives } · Comments: { $comments } · Reports: { $reports } · Votes: { $votes } · Waitlist: { $waitlist } · Sanctions in rooms: { $sanctions }
role-resident = resident
role-moderator = moderator
role-staff = staff
role-admin = administrator
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
telegram-menu-initiatives = What neighbours propose
telegram-menu-propose = Propose an initiative
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
book-summary = To sum up: { $space }, { $when }, { $people ->
        [one] 1 person
       *[other] { $people } people
    }. Purpose: { $purpose }. Shall I book it?
book-needs-approval = The house's staff approve this space: we will write to you as soon as they decide.
book-done = Booked: { $space }, { $when }. We will remind you before. Write /bookings to see or cancel it.
book-pending = Request sent: { $space }, { $when }. We will write to you when the house decides. Write /bookings to see it.
book-dropped = All right, I booked nothing.
book-taken = { $when } is already taken.
book-alternatives = These are the nearest free times. Tap one that suits you, or write another day and time.
book-no-alternatives = I find no free time in that week. Try another day, or write /cancel to leave it.
book-no-spaces = There are no spaces to book here. Write /help to see what you can do.
book-no-such-date = The date "{ $date }" does not exist. Check the day and month and write it again, for example "3 March".
book-refused-past = That time has already passed. Write a day and time from today on.
book-refused-empty = That time lasts no time at all. Write a start and an end, for example "from 3 to 5 pm".
book-refused-short = Bookings last at least { DURATION($n) }. Write a longer time.
book-refused-long = Bookings last at most { DURATION($n) }. Write a shorter time.
book-refused-far = You can book at most { $n } days ahead. Choose a nearer date.
book-refused-notice = Bookings must be made at least { DURATION($n) } before. Choose a later time.
book-refused-closed = The space is closed at that time.
book-refused-no-people = At least one person is needed. How many will you be?
book-refused-capacity = The space holds at most { $n } people. How many will you be? If you are more, choose a bigger space with /book.
book-refused-quota = Each person may book at most { $n ->
        [one] 1 hour
       *[other] { $n } hours
    } a week in this house, so there is room for everyone.
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
booking-cancel-ask = Do you want to cancel { $space }, { $when }?
button-cancel-yes = Yes, cancel it
button-cancel-keep = No, keep it
booking-kept = All right, the booking stays. Write /bookings to see it.
booking-cancelled = Cancelled: { $space }, { $when }. The space is now free for others.
booking-already-over = This booking is no longer active.
checkin-nothing = You have no booking under way now. You can check in from half an hour before the start.
checkin-done = Check-in recorded for { $space }. Have a good meeting!
approve-none = There are no requests to approve.
approve-line = Request: { $space }, { $when }, { $people ->
        [one] 1 person
       *[other] { $people } people
    }. Purpose:
button-approve = Approve
button-decline = Decline
approve-already-decided = This request has already been decided.
approve-done = Approved. We told the person who asked.
decline-done = Declined. We told the person who asked.
booking-approved = Good news: your request is approved. { $space }, { $when }.
booking-declined = Sorry: your request for { $space }, { $when } was not approved. You can ask for another time with /book.
booking-released = Your booking of { $space } was released because nobody checked in.
reminder-hours = Reminder: in { $n } hours you have { $space }, { $when }. If you no longer need it, cancel it below.
reminder-minutes = Reminder: in { DURATION($n) } you have { $space }, { $when }. When you arrive, write /checkin.
telegram-menu-bookings = My bookings
book-summary-move = Moving the booking to: { $space }, { $when }, { $people ->
        [one] 1 person
       *[other] { $people } people
    }. Purpose: { $purpose }. Shall I? The old one stays until you confirm.
button-move-booking = Move { $n }
booking-status-held = held for you: please confirm
button-waitlist = Put me on the waitlist
waitlist-joined = You are on the waitlist for { $space }, { $when }: number { $n } in line. If it frees up, we will write to you.
waitlist-offer = { $space }, { $when } is free now. We are keeping it for you for { DURATION($n) }: do you want it?
button-hold-yes = Yes, I'll take it
button-hold-no = No, thanks
waitlist-passed = All right: we are offering it to the next person in line.
waitlist-offer-over = This offer is no longer valid. Write /bookings to see your bookings.
waitlist-offer-expired = The time to confirm { $space } ran out: we offered it to the next person in line.
book-summary-weekly = Every week at the same time, for { $n } weeks (I skip the dates that are taken and tell you which).
book-weekly-done = Booked { $n ->
        [one] once
       *[other] { $n } times
    }: { $space }, every week from { $when }. Write /bookings to see them.
book-weekly-skipped = Skipped: { $when } (taken or not bookable).
book-open-hours = The opening hours of { $space }:
book-hours-day = { $day }: { $times }

## Community initiatives

ini-when = { $day } { $date } at { $time }
ini-when-open = date to be set
ini-unset = —
ini-week-query = this week
ini-status-draft = draft
ini-status-submitted = being checked by staff
ini-status-published = collecting supports
ini-status-threshold-reached = enough supports, waiting for the decision
ini-status-voting = residents are voting
ini-status-accepted = accepted
ini-status-rejected = not accepted
ini-status-scheduled = scheduled
ini-status-held = took place
ini-status-reported = done, with its report
ini-status-withdrawn = withdrawn
ini-status-expired = expired
ini-theme-culture = Culture and leisure
ini-theme-sport = Sport and movement
ini-theme-environment = Environment and green spaces
ini-theme-learning = Learning
ini-theme-care = Care and solidarity
ini-theme-neighbourhood = Neighbourhood life
ini-theme-other = Other
ini-kind-activity = activity
ini-kind-service = community service
ini-kind-moderator = moderator candidacy
ini-field-title = Title
ini-field-description = What and why
ini-field-area = Area
ini-field-theme = Theme
ini-field-when = When
ini-field-place = Where
ini-field-capacity = How many people
ini-field-resources = What it needs
ini-phase-institutional = phase 1: the institution's staff decide
ini-phase-community = phase 2: residents decide by vote
ini-propose-intro = Let's write your proposal ({ $kind }). I save it at every step: you can stop and continue later with /myinitiatives. Write /cancel to stop.
ini-moderator-title = { $name } as moderator
ini-ask-title = What is the title of your initiative? A few words, for example "Shared garden in the school yard".
ini-ask-description = "{ $title }": what do you want to do, and why? A few sentences are enough.
ini-ask-area = For which area is it? Tap below or write the name of the neighbourhood.
ini-ask-theme = Which theme fits best? Choose below.
ini-ask-when = When will it take place? Write a day and a time, for example "Saturday 12/12 at 10". If you do not know yet, tap Skip.
ini-ask-place = Where? Write the place, or choose one of your bookings below. To book a welfare-house space first, tap the button and then come back with /myinitiatives.
ini-ask-capacity = How many people can take part? Write a number, or tap Skip if there is no limit.
ini-ask-resources = What does it need (materials, skills, help)? Write it, or tap Skip.
ini-summary = Your proposal ({ $kind }):
    Title: { $title }
    What and why: { $description }
    Area: { $area }
    Theme: { $theme }
    When: { $when }
    Where: { $place }
    People: { $capacity }
    Needs: { $resources }
    It needs { $threshold ->
        [one] 1 support
       *[other] { $threshold } supports
    }. Tap Submit to send it to the staff, or a field to change it.
button-ini-submit = Submit
button-ini-later = Keep for later
ini-title-short = The title is too short. Write at least a few words.
ini-answer-needs-words = A yes or no is not enough here: please answer the question below.
ini-description-short = Tell a little more: a sentence or two about what and why.
ini-area-unknown = I do not know the area "{ $text }". Write the name of a neighbourhood or municipio, for example "Centocelle".
ini-capacity-number = Write a number between 1 and 10000, or tap Skip.
ini-date-bad = That date does not work: it does not exist or has passed. Write a future day, for example "Saturday at 10".
ini-when-recurring = I noted the first time: { $when }, and wrote in the description that it repeats. After the first time you can set the next date from the initiative's card.
ini-repeats-note = It repeats: { $words }.
ini-date-missing = I did not find a day. Write it like "Saturday 12/12 at 10" or "tomorrow at 17".
ini-draft-kept = Your draft "{ $title }" is saved. Write /myinitiatives to continue it.
ini-draft-gone = This draft can no longer be changed. Write /myinitiatives to see your initiatives.
ini-draft-missing = Something is missing: { $field }. Write /myinitiatives and continue the draft.
ini-no-areas = There are no areas yet. Ask the staff of your welfare house.
ini-not-found = I cannot find that initiative. Write /initiatives to see the ones in your area.
ini-line = { $n }. { $title } — { $area }, { $when } ({ $status }; { $supports }/{ $threshold } supports)
ini-list = Initiatives:
ini-list-area = Initiatives in { $area }:
ini-list-week = Happening this week in { $area }:
ini-list-week-anywhere = Happening this week:
ini-none = I found no initiatives. Would you like to propose one?
ini-none-week = Nothing is planned this week. Would you like to propose something?
ini-mine = Your initiatives:
ini-mine-none = You have not proposed anything yet. Tap below to start.
button-propose = Propose an initiative
ini-card = { $title } ({ $kind }, { $area })
    Status: { $status }
ini-card-theme = Theme: { $theme }
ini-card-when = When: { $when }
ini-card-place = Where: { $place }
ini-card-resources = It needs: { $resources }
ini-card-supports = { $supports } of { $threshold } supports{ $shown ->
    [0] .
   *[other] , including { $names }{ $others ->
        [0] .
       *[other] {" "}and { $others } more.
    }
}
ini-card-participants = Taking part: { $participants }{ $capacity ->
    [0] {""}
   *[other] {" "}of { $capacity }
}
ini-card-deadline = Supports open until { $when }.
ini-card-vote-until = Voting open until { $when }.
ini-card-reason = Reason: { $reason }
ini-card-outcome = How it went: { $text } ({ $attendance ->
        [one] 1 person
       *[other] { $attendance } people
    } came)
ini-card-hidden = Hidden until a moderator checks it.
ini-card-comment = { $name }: { $text }
button-ini-open = Open
button-ini-support = Support
button-ini-support-anon = Support anonymously
button-ini-unsupport = Withdraw my support
button-ini-join = Take part
button-ini-volunteer = Volunteer
button-ini-leave = Leave
button-ini-comment = Comment
button-ini-report = Report a problem
button-ini-continue = Continue the draft
button-ini-date = Set the date
button-ini-held = It took place
button-ini-outcome = Tell how it went
button-ini-update = Write to supporters
button-ini-withdraw = Withdraw
button-ini-publish = Publish
button-ini-accept = Accept
button-ini-reject = Reject
button-ini-hide = Hide
button-ini-restore = Show again
button-ini-mod-reject = Reject as a moderator
button-ini-vote-yes = Vote yes
button-ini-vote-no = Vote no
button-ini-book-space = Book a space
ini-supported = Thank you! You support "{ $title }": { $supports } of { $threshold } supports.
ini-supported-anon = Thank you! You support "{ $title }" anonymously: your name is not shown. { $supports } of { $threshold } supports.
ini-threshold-reached = With your support it reached the threshold. Now it will be decided: we will tell you.
ini-support-own = You proposed it, so your support is already there.
ini-support-already = You already support it.
ini-support-closed = It no longer collects supports: { $status }.
ini-unsupported = Your support for "{ $title }" is withdrawn. It now has { $supports }.
ini-unsupport-not = There is no support of yours to withdraw here, or the supports are closed.
ini-joined = You take part in "{ $title }". We will remind you the day before.
ini-volunteered = Thank you: you are a volunteer for "{ $title }". The author can write to you here.
ini-join-waiting = "{ $title }" is full. You are number { $place } on the waiting list: if a place frees up, it is yours and we tell you.
ini-join-already = You are already taking part.
ini-join-closed = You can no longer join: { $status }.
ini-left = You left "{ $title }".
ini-leave-not = You were not taking part in it.
ini-vote-not-resident = Only residents of { $area } vote on it. If you live there, set your area with /start.
ini-voted-yes = Your vote for "{ $title }" is counted: yes.
ini-voted-no = Your vote for "{ $title }" is counted: no.
ini-vote-already = You have already voted. Each person votes once.
ini-vote-closed = The vote is not open.
ini-ask-comment = Write your comment on "{ $title }".
ini-ask-report = What is the problem with "{ $title }"? Write it in a few words: a moderator will read it.
ini-ask-update = Write the message for the supporters and participants of "{ $title }".
ini-ask-date = When will "{ $title }" take place? Write a day and a time, for example "Saturday 12/12 at 10".
ini-ask-outcome = How did "{ $title }" go? Write a few words about what happened.
ini-ask-attendance = How many people came to "{ $title }"? Write a number.
ini-ask-reason = Why? Write the reason: the author will read it.
ini-attendance-number = Write the number of people, for example 25.
ini-commented = Thank you, your comment is published.
ini-reported = Thank you. A moderator will look at it.
ini-report-already = You have already reported it. Thank you.
ini-update-too-soon = You can write to the supporters again from { $when }, so that nobody gets too many messages.
ini-update-too-soon-now = Another message was just sent. Try again in a few days.
ini-update-sent = Sent to { $n ->
    [one] one person
   *[other] { $n } people
}.
ini-step-impossible = That is not possible now. Status: { $status }.
ini-changed-meanwhile = Someone changed it in the meantime. Open it again to see how it is now.
ini-decided-by-vote = In this area the residents decide by vote: staff only check that proposals are lawful.
ini-moderator-phase-two = Moderators are elected only where residents decide by vote (phase 2).
ini-done = Done.
ini-done-submitted = "{ $title }" is sent. The staff check it and publish it: we will tell you.
ini-done-published = "{ $title }" is published and collects supports.
ini-done-accepted = "{ $title }" is accepted. The author and the supporters are told.
ini-done-rejected = "{ $title }" is not accepted. The author reads your reason.
ini-done-withdrawn = "{ $title }" is withdrawn. Supporters and participants are told.
ini-done-held = Well done! "{ $title }" took place. Tell how it went: the neighbourhood will read it.
ini-done-reported = Thank you: the report of "{ $title }" is published.
ini-done-scheduled = "{ $title }" is on { $when }. Participants are told and reminded the day before.
ini-hidden-done = Hidden. The author is told.
ini-restored-done = Visible again. The author is told.
ini-moderation-already = It already was.
ini-note-status = News about "{ $title }": { $status }.
ini-note-status-reason = News about "{ $title }": { $status }. Reason: { $reason }
ini-note-followed = News about "{ $title }", which you follow: { $status }.
ini-note-followed-date = "{ $title }", which you follow, takes place on { $when }.
ini-note-milestone = "{ $title }" has { $supports } of { $threshold } supports.
ini-note-comment = New comment on "{ $title }": { $text }
ini-note-update = Message from the author of "{ $title }": { $text }
ini-note-promoted = A place freed up: you now take part in "{ $title }".
ini-note-remind = Tomorrow: "{ $title }", { $when }.
ini-note-hidden = "{ $title }" is hidden until a moderator checks it, because residents reported it.
ini-note-restored = "{ $title }" is visible again.
ini-note-ask-outcome = "{ $title }" took place. Tell the neighbourhood how it went.
ini-note-review = "{ $title }" waits for you ({ $status }). Open it to decide, or write /review to see everything that waits.
ini-review = { $n ->
    [one] One initiative waits for you:
   *[other] { $n } initiatives wait for you:
}
ini-review-none = Nothing waits for you. Well done.
ini-phase-usage = Write /phase, the area and 1 or 2. For example: /phase Centocelle 2
ini-phase-is = In { $area } it is { $phase }.
ini-phase-set = Done: in { $area } it is now { $phase }.
ini-stats = Participation in { $area }, by month:
ini-stats-line = { $month }: { $proposed } proposed, { $supports ->
        [one] 1 support
       *[other] { $supports } supports
    }, { $held } held, { $people ->
        [one] 1 resident
       *[other] { $people } residents
    } taking part, { $bookings ->
        [one] 1 booking
       *[other] { $bookings } bookings
    }
ini-stats-none = No activity in the last months.
chart-participation-title = Participation in { $area }, { $months ->
        [one] this month
       *[other] last { $months } months
    }
chart-participation-summary = Chart of participation in { $area } { $months ->
        [one] this month
       *[other] over the last { $months } months
    }: { $proposed ->
        [one] 1 initiative proposed
       *[other] { $proposed } initiatives proposed
    }, { $supports ->
        [one] 1 support
       *[other] { $supports } supports
    }, { $held ->
        [one] 1 activity held
       *[other] { $held } activities held
    }, { $people ->
        [one] 1 resident taking part
       *[other] { $people } residents taking part
    }, { $bookings ->
        [one] 1 booking
       *[other] { $bookings } bookings
    }.
chart-series-proposed = Initiatives proposed
chart-series-supports = Supports
chart-series-held = Activities held
chart-series-people = Residents taking part
chart-series-bookings = Bookings
chart-area-all = all areas
chart-month = { $month ->
        [1] Jan
        [2] Feb
        [3] Mar
        [4] Apr
        [5] May
        [6] Jun
        [7] Jul
        [8] Aug
        [9] Sep
        [10] Oct
        [11] Nov
       *[12] Dec
    } { $year }

## Booking: associations, several days

book-refused-association-quota = Each association may book at most { $n ->
        [one] 1 hour
       *[other] { $n } hours
    } a week in this house, so there is room for everyone. Choose another week.
book-days-too-many = I can book at most { $n } days in a row at once. Write a shorter period, for example "from 3 to 5 March".
book-ask-time-days = From { $first } to { $last } I book the same time every day: a booking lasts at most { DURATION($max) }, not whole days.
book-summary-days = Every day at the same time until { $last }: { $n } days (I skip the days that are taken and tell you which).
book-days-done = Booked { $n ->
        [one] once
       *[other] { $n } times
    }: { $space }, every day from { $when }. Write /bookings to see them.
book-series-skipped-quota = Skipped: { $when } (over the weekly hours).
book-summary-for = For the association: { $association }.
book-weekly-associations-only = Weekly bookings are for associations: I book this date only.
book-for-no-association = You are not in an association that can book. Ask the house's staff to register you, or book for yourself.
book-for-not-yours = You cannot book for this association. Ask the house's staff, or book for yourself.
book-ask-for-whom = Who is this booking for? You, or an association?
button-book-for-me = For me
association-usage = Associations are registered by the welfare house's staff. If you belong to one, ask them to add you: you will be able to book in its name.
association-usage-staff = For the associations of your area: /association new ID AREA NAME – register one; /association add ID ACCOUNT [booker] – add a member ("booker": may book in the association's name); /association remove ID ACCOUNT – remove a member; /association ID – see the members.
association-list-intro = Associations:
association-line = { $name } ({ $id }, { $area }): { $role }
association-role-booker = you may book in its name
association-role-member = member
association-role-staff = you manage it
association-unknown = I cannot find the association "{ $id }". Write /association to see the ones you manage.
association-no-members = It has no members yet. Add them with /association add { $id } ACCOUNT booker.
association-member-line = { $name } ({ $accounts }): { $role }
association-bad-id = "{ $id }" cannot be an id: use 2 to 64 lowercase letters, digits and dashes, for example orti-centocelle.
association-registered = Registered: { $name } ({ $id }). Now add its members with /association add { $id } ACCOUNT booker.
association-updated = Updated: { $name } ({ $id }).
association-booker-added = { $name } may now book in the name of { $association }.
association-member-added = { $name } is now a member of { $association }.
association-member-removed = { $name } is no longer a member of { $association }.
association-not-member = { $name } was not a member of { $association }.

## Booking: bots without the booking module, help

initiatives-not-on-this-bot = This bot does not handle community initiatives. Write /help to see what you can do here.
booking-not-on-this-bot = This bot does not book welfare-house spaces. Write /help to see what you can do here.
help-booking =
    /book – book a space at a welfare house; /free – what is free
    /bookings – your bookings; /checkin – say you have arrived
    Associations can also book every week: "the meeting room every Tuesday at 6 pm for the association …".
help-staff-booking = For bookings: /approve – approve bookings of the houses in your area; /association – the associations of your area and who may book in their name. /space – close or reopen a space, approval on or off.

## Booking: calendar files

button-calendar = Calendar (.ics)
bookings-calendar = Here is a calendar file with { $n ->
        [one] your booking
       *[other] your { $n } bookings
    }: open it in your calendar app.
console-file-saved = File saved: { $path }
console-chart-saved = { $summary } Chart saved: { $path }

## Booking: staff manage spaces

book-refused-space-closed = The space is closed at that time, until { $until }: { $reason }
space-usage = For the spaces of the houses in your area: /space close SPACE D/M[-D/M] [HH-HH] REASON – close it (whole days, or the same hours each day); /space open NUMBER – reopen; /space approval SPACE on|off|file – approval yes, no, or as the file says. /space alone lists the spaces.
space-list-intro = Spaces of the houses in your area:
space-line = { $space } ({ $id }): { $approval }
space-approval-on = needs approval
space-approval-off = no approval needed
space-closure-line = no. { $id }: { $space } closed from { $from } to { $to } ({ $reason })
space-none = You manage no house's spaces.
space-unknown = I cannot find the space "{ $space }". Write /space to see the ids.
space-bad-dates = I do not understand the dates or times. Write for example /space close centocelle-saletta 24/12-26/12 Christmas, or 3/12 10-12 painting.
date-out-of-range = I can only read dates from { $from } to { $to }. Check the year and try again.
space-closed = Closed: { $space }.
space-closed-no-bookings = There were no bookings in that time.
space-closed-bookings = { $n ->
        [one] There is one booking in that time: we told the person who made it.
       *[other] There are { $n } bookings in that time: we told the people who made them.
    }
space-closed-booking-line = { $space }, { $when }: { $name }
space-closed-notice = Please note: { $space } will be closed when you booked it ({ $when }). Reason: { $reason }. You can move or cancel the booking below.
button-move-booking-one = Move the booking
space-closure-unknown = I cannot find closure no. { $id }. Write /space to see the current ones.
space-reopened = Reopened.
space-approval-set = { $space }: { $approval } from now on.

## Linking accounts on several networks

link-code = Your code is { $code }. On your other network (Telegram, Matrix), write /link { $code } within { DURATION($minutes) } and confirm on both sides: your accounts become one, with your bookings and supports together. Do not give the code to anyone.
link-done = Done: your accounts are now one person. Your bookings, supports and votes are together, and count once.
link-unknown = That code is not valid or has expired. On your other network, write /link to get a new one, then write it here.
link-same = This account is already linked to that one.

## Hardening: waitlist rules, limits per person.
waitlist-slot-free = { $when } is free: you can book it now.
button-book-it = Book it
waitlist-full = You are already waiting for { $n } times, the most you can. Look at your bookings, or wait until one frees up.
waitlist-lapsed = Your wait for { $space }, { $when } has ended, because it cannot be booked now: { $reason } You can look for another time with /book.
waitlist-offer-refused = So we cannot keep it for you: we are offering it to the next person in line. You can look for another time with /book.
ini-drafts-too-many = You already have { $n } open drafts, the most you can. Finish or cancel one: write /myinitiatives to see them.
limit-per-hour = You have already written { $n } in the last hour, the most you can. Please try again later.
slow-down = You are writing very fast. Let's pause for { $n } seconds, then I will answer again.
waitlist-closed = Your wait for { $space }, { $when } has ended: the space will be closed then ({ $reason }). You can look for another time with /book.

# Linking accounts, confirmed on both sides; complete personal data (issue 11).
link-confirm-typist = You are about to join this account to { $name } { $network ->
        [console] in the console
       *[other] on { $network }
    }. Is that you? If you confirm, I will ask you to confirm there too.
link-confirm-maker = { $name } { $network ->
        [console] in the console
       *[other] on { $network }
    } typed your code and wants to join this account. Confirm only if that account is yours.
link-waiting = Good. Now confirm { $network ->
        [console] in the console
       *[other] on { $network }
    }: I wrote to you there.
link-cancelled = All right, nothing is linked. To try again, write /link.
link-too-many = You have typed too many wrong codes. Try again in an hour with a new code: write /link on your other network.
link-roles-dropped = The roles of your other account ({ $roles }) were not carried over. Ask an admin to grant them again.
button-link-yes = Yes, it's me
button-link-no = No, it's not me

## A call for help: contacts first, discreetly.
safety-first = Thank you for telling me. If you are in danger right now, call 112 at once. You can also ask for help at these numbers:
safety-first-self-harm = I am sorry you feel so bad. You can talk about it right now with someone who listens, without judging. If you are in danger, call 112 at once:
safety-contact = { $name }: { $phone } ({ $note })
safety-services = These services nearby can help too. They are confidential and free:
safety-after = You can write to me whenever you want. If someone can read your phone, you can delete this chat.
choice-from-earlier = That choice is from an earlier message. Here is the current question:
resume-booking = Do you want to go back to the booking?
resume-proposal = Do you want to go back to the proposal you were writing?
resume-onboarding = Whenever you like, I will ask two quick questions (language and area) to search near you. You can also skip them.
resume-other = Do you want to go back to where we were?
resume-dropped = All right, I will leave it. Write to me whenever you like.
resume-back = Let's go on from where we were.
button-resume = Yes, go back
button-resume-no = No, leave it
book-house-hours = Opening hours of { $house }:
## Announcements (issue 13)
announce-house-unknown = I don't know the welfare house "{ $house }". Use its code, for example casa-centocelle.
announce-empty = The announcement is empty. Write the text in Italian.
announce-too-long = The announcement is too long: { $max } characters at most. Shorten it and try again.
announce-in-the-past = That time has passed. Choose a time to come, or send it now.
announce-unknown = I can't find announcement number { $id }. Check the number and try again.
announce-closed = Announcement number { $id } is already finished or cancelled. There is nothing to stop.
announce-copy = { $text }

  — To stop receiving announcements, write /notifications off.
announce-room-copy = { $text }
announce-done = Announcement number { $id } is delivered: { $sent } sent, { $unreachable } not reachable, { $opted_out ->
        [one] 1 person does not want announcements
       *[other] { $opted_out } people do not want announcements
    }.
announce-own = You cannot approve your own announcement: another staff member must do it.
announce-not-pending = Announcement number { $id } no longer waits for approval.
announce-usage = Write /announce to prepare an announcement; /announce list to see the latest; /announce status NUMBER to see how it went; /announce correct NUMBER to correct it; /announce cancel NUMBER to stop it.
announce-scope = { $territory }
announce-scope-everywhere = every area
announce-who-home = the people who live there
announce-who-interest = the people interested in "{ $category }"
announce-who-initiatives = the supporters and participants of initiatives
announce-who-bookings = the people with a booking at { $house }
announce-who-role = { $role }
announce-role-staff = the staff
announce-role-moderator = the moderators
announce-ask-territory = Which area is the announcement for? Choose below or write the area's name.
announce-everywhere = Every area
announce-ask-who = Area: { $scope }. Who should get the announcement?
announce-who-home-button = People who live there
announce-who-interest-button = People interested in a topic
announce-who-initiatives-button = People following initiatives
announce-who-bookings-button = People with a booking at a house
announce-who-role-button = A role
announce-ask-category = Which topic?
announce-no-houses = There are no welfare houses in { $scope }. Choose other people.
announce-ask-house = Which welfare house?
announce-ask-role = Which role?
announce-ask-text = Write the announcement in Italian ({ $max } characters at most).
announce-ask-english = Write the same announcement in English, for people who read English. If you skip, they get it in Italian too.
announce-no-english = Skip
announce-ask-when = When should it go out? Write "now", "tomorrow at 9", a date and time ("12/12 at 9") or "every Monday at 9".
announce-now = Now
announce-when-unread = I did not understand when.
announce-when-now = now
announce-when-at = on { $at }
announce-when-every = every { $day } at { $time }
announce-weekday-1 = Monday
announce-weekday-2 = Tuesday
announce-weekday-3 = Wednesday
announce-weekday-4 = Thursday
announce-weekday-5 = Friday
announce-weekday-6 = Saturday
announce-weekday-7 = Sunday
announce-draft-lost = The announcement you were preparing is gone. Write /announce to start again.
announce-preview-it = This is how people who read Italian will see it:
announce-preview-en = This is how people who read English will see it:
announce-summary = For { $who } in { $scope }, { $when }.
announce-estimate = If it went out now, { $telegram } would get it on Telegram, { $matrix } on Matrix and { $other } elsewhere; sending takes about { $seconds } s.
announce-estimate-left-out = Left out: { $opted_out } who do not want announcements and { $unreachable } who cannot be reached.
announce-needs-approval = In this area another staff member must approve it: it goes out only after that.
announce-send = Yes, send it
announce-dont-send = No, leave it
announce-not-sent = All right, I am not sending anything.
announce-pending = Announcement number { $id } waits for another staff member's approval. I will tell you when it comes.
announce-kept = Done: announcement number { $id } goes out { $when }. Write /announce status { $id } to see how it went.
announce-approve-ask = { $author } prepared announcement number { $id } and it needs your approval. The text:

  { $text }
announce-approve = Approve
announce-reject = Reject
announce-approved = You approved announcement number { $id }: it goes out at its time.
announce-rejected = You rejected announcement number { $id }: it will not go out.
announce-approved-author = { $name } approved your announcement number { $id }: it goes out at its time.
announce-rejected-author = { $name } rejected your announcement number { $id }: it will not go out.
announce-state-pending = waiting for approval
announce-state-scheduled = scheduled
announce-state-sending = being sent
announce-state-done = delivered
announce-state-cancelled = cancelled
announce-cancelled = Announcement number { $id } is stopped. What already went out stays sent.
announce-list-empty = There are no announcements to show you.
announce-list = The latest announcements:
announce-list-line = { $id } · { $state } · { $at } · { $text }
announce-approval-usage = Write /announce approval on AREA so that the area's announcements go out only after another staff member approves them, or /announce approval off AREA to remove that.
announce-approval-on = From now on, announcements for { $territory } go out only after another staff member approves them.
announce-approval-off = From now on, announcements for { $territory } go out without another approval.
announce-correct-cancelled = Announcement number { $id } is cancelled: it cannot be corrected. If needed, write /announce and send a new one.
announce-correct-too-old = Announcement number { $id } went out more than { $hours } hours ago: Telegram no longer lets it be edited. If needed, write /announce and send a correction.
announce-correct-ask-text = Write the new Italian text of announcement number { $id } (at most { $max } characters). Those who already got it will see the message edited.
announce-correct-summary = Correcting announcement number { $id }: { $edited ->
        [0] no message already sent to edit
        [one] 1 message already sent is edited
       *[other] { $edited } messages already sent are edited
    }; those who have not got it yet get the new text.
announce-correct-some-too-old = { $count ->
        [one] 1 message went out more than { $hours } hours ago: Telegram does not let it be edited, so it stays as it was.
       *[other] { $count } messages went out more than { $hours } hours ago: Telegram does not let them be edited, so they stay as they were.
    }
announce-correct-send = Yes, correct it
announce-correct-not-sent = All right, the announcement stays as it was.
announce-corrected = Done: announcement number { $id } is corrected (correction { $correction }). Write /announce status { $id } to see the edits.
announce-status-correction = Correction { $correction }: { $edited } edited, { $queued } queued, { $failed } failed, { $too_old } too old for Telegram, { $cancelled } cancelled.
announce-status = Announcement number { $id }: { $state }, { $at }; { $total } recipients.
announce-status-network = { $network }: { $sent } sent, { $queued } queued, { $failed } failed, { $unreachable } not reachable, { $opted_out } do not want announcements, { $cancelled } cancelled before leaving.
announce-status-reason = Reason: { $reason } ({ $count })
announce-done-rooms = { $rooms ->
        [one] In the area's rooms: 1 message posted
       *[other] In the area's rooms: { $rooms } messages posted
    }{ $missed ->
        [0] .
       *[other] , { $missed } failed.
    }
announce-rooms-only-button = Only the area's rooms ({ $rooms })
announce-ask-rooms = The area has { $rooms ->
        [one] one linked room
       *[other] { $rooms } linked rooms
    } (general and announcement groups; never the moderators' ones). Shall I post it there too?
announce-rooms-also = Yes, in the rooms too
announce-rooms-none = No, only to people
announce-preview-rooms = This is how people in the area's rooms will read it:
announce-who-rooms = the linked rooms
announce-who-and-rooms = { $who } and the linked rooms
announce-estimate-rooms = If it went now, it would reach { $telegram } on Telegram, { $matrix } on Matrix and { $other } elsewhere, plus { $rooms ->
        [one] 1 room
       *[other] { $rooms } rooms
    }; sending takes about { $seconds } s.
announce-status-rooms = Rooms on { $network }: { $sent } posted, { $queued } queued, { $failed } failed, { $unreachable } not reachable, { $cancelled } cancelled before leaving.
help-announce-staff = For announcements: /announce – prepare an announcement for your area; /announce list, /announce status NUMBER, /announce cancel NUMBER.
## Rooms and moderation

rooms-not-on-this-bot = This bot does not run neighbourhood groups. Type /help to see what you can do here.
help-rooms = /rooms – the groups of your area, with a personal link to join; /rooms AREA – those of another area; /rules – the rules; in groups, /report [reason] as a reply to a message reports it to the moderators; /appeal TEXT – appeal against a sanction of yours.
help-rooms-moderator = In groups, replying to someone's message: /warn [reason] – warn; /mute 2h [reason] – mute; /unmute; /ban [1d] [reason]; /unban; /kick; /del – delete the message; /warns – the person's record; /modlog – the log. In the group, /rules set [it|en] TEXT, /welcome set [it|en] TEXT and /questions set [it|en] QUESTION | QUESTION; privately, with the area: /rules set centocelle en TEXT. Group protections: /protect, /protect flood 5 10, /protect links on|off.
help-rooms-staff = For groups: type /room link AREA [general|announcements|moderators] in the group to link it to the area; /room unlink to unlink it. /room lang it|it,en – the group's languages; /escalation [AREA] 3 30 24h 7d – how many warnings mute and ban in the area (/escalation default to go back to the one above).
rooms-not-in-group = This command works inside the group. Add the bot to the group as an administrator and type it there.
rooms-not-linked = This group is not linked to any area. The area's staff can link it with /room link AREA.
rooms-needs-territory = Add the area too, for example: /room link centocelle.
rooms-purpose-unknown = I don't know the group type "{ $purpose }". Use general, announcements or moderators.
rooms-protected = You can't sanction this person: they are staff, an administrator, or moderate an area as wide as yours. Ask the area's staff.
rooms-not-yourself = You can't sanction yourself. Ask another moderator.
rooms-needs-reply = Reply to the person's message with the command, so I know who you mean.
rooms-duration-unknown = I don't understand the duration "{ $given }". Write for example 30m, 2h, 1d, 1w, "2 hours" or "3 days".
rooms-needs-duration = Say for how long, for example: /mute 2h or /mute 3 days.
rooms-nothing-to-lift = This person has nothing of that kind to lift here. Type /warns as a reply to one of their messages to see their record.
rooms-bot-lacks-rights = In this group I lack these administrator rights: { $missing }. Give them to me in the group's settings and type /room link again.
rooms-rights-unchecked = I can't check my rights in the group right now. Try again in a few minutes.
rooms-purpose-general = general
rooms-purpose-announcements = announcements
rooms-purpose-moderators = moderators
rooms-linked = Done: this group is linked to { $territory } as its { $purpose } group. The area's moderators can use /warn, /mute and /ban here.
rooms-unlinked = Done: this group is no longer linked to { $territory }. Sanctions already given stay.
rooms-this-room = This group is linked to { $territory } as its { $purpose } group. Type /rooms to see the area's other groups.
rooms-room-usage = This group is not linked to an area. The area's staff type /room link AREA here to link it.
rooms-list-which = Which area? Type for example /rooms centocelle, or choose your area with /start.
rooms-none = { $territory } has no linked groups yet. Ask your welfare house.
rooms-list = { $count ->
    [one] { $territory } has one group:
   *[other] { $territory } has { $count } groups:
}
rooms-list-line = • { $territory }: { $purpose } group on { $network }
rooms-warned = { $name } got a warning ({ $count } of { $limit }).
rooms-unwarned = One warning taken off { $name }. They now have { $count }.
rooms-muted = { $name } can't write in the area's groups until { $until }.
rooms-banned-until = { $name } is out of the area's groups until { $until }.
rooms-banned = { $name } is out of the area's groups.
rooms-unmuted = { $name } can write again.
rooms-unbanned = { $name } may come back to the area's groups.
rooms-kicked = { $name } was removed from the group. They may come back.
rooms-deleted = Message deleted.
rooms-reason = Reason: { $reason }
rooms-actions-failed = I could not do it in { $count ->
    [one] one group
   *[other] { $count } groups
}: check that I am still an administrator there.
rooms-you-were-warned = You got a warning in a group of your neighbourhood.
rooms-you-were-muted = You can't write in the area's groups until { $until }. You can still read.
rooms-you-were-banned-until = You are out of the area's groups until { $until }.
rooms-you-were-banned = You are out of the area's groups.
rooms-you-may-write-again = You can write in the area's groups again. Please keep to the rules.
rooms-how-to-appeal = If you think this is a mistake, write /appeal to me privately, followed by what happened: another moderator of the area will read it.
rooms-standing = { $name }: { $warnings ->
    [0] no warnings
    [one] one warning
   *[other] { $warnings } warnings
} in the last 30 days.
rooms-standing-muted = Muted until { $until }.
rooms-standing-banned = Out of the groups until { $until }.
rooms-modlog-empty = The area's log is empty.
rooms-modlog = The latest { $count } actions in the log:
rooms-modlog-line = { $when } · { $actor } · { $action } { $subject } · { $reason }
rooms-needs-text = Add the text too, for example: /rules set en Be kind to each other.
rooms-text-too-long = The text is too long: { $max } characters at most.
rooms-report-yourself = You can't report your own message.
rooms-case-closed = This was already dealt with, or it is gone.
rooms-nothing-to-appeal = You hold no sanction to appeal against.
rooms-already-appealed = You already appealed against this sanction: the moderators will answer you.
rooms-acted-on-it = You gave this sanction: another moderator of the area decides the appeal.
rooms-kind-rules = the rules
rooms-kind-welcome = the welcome message
rooms-kind-questions = the questions before joining
rooms-text-set = Done: I saved { $kind } in "{ $lang }".
rooms-text-is = Here are { $kind } for { $territory }:
    { $text }
rooms-text-none = Nobody has written { $kind } for { $territory } yet.
rooms-questions-default = To join the groups of { $territory } I ask: do you live or work in the area? Do you accept the group's rules?
rooms-join-how = To join, open your personal link and ask to join: I will write you the rules and two questions here.
rooms-join-link = • { $territory }: { $link } (valid until { $until })
rooms-join-privately = To join, write /rooms to me privately: I will give you a personal link.
rooms-question-count = Question { $n } of { $count }:
rooms-question-live-or-work = Do you live or work in the { $territory } area?
rooms-question-accept-rules = Do you accept the group's rules?
rooms-question-set = { $question }
button-rooms-yes = Yes
button-rooms-no = No
rooms-join-banned-until = I can't let you in: you are out of the groups of { $territory } until { $until }.
rooms-join-banned = I can't let you in: you are out of the groups of { $territory }.
rooms-welcome-text = { $text }
rooms-welcome-default = Welcome to the groups of { $territory }!
rooms-rules-on-joining = The group's rules:
    { $text }
rooms-rules-none-on-joining = The group has no written rules yet: we ask you to be respectful and kind.
rooms-join-failed = I could not accept your request right now. Try again in a few minutes with /rooms.
rooms-join-approved = Done: you are in the group of { $territory }. Enjoy the conversation!
rooms-join-invited = Done: I invited you to the group of { $territory }. Accept the invitation in your app to join.
rooms-join-choose = To join, choose the group: I will write you the rules and two questions here, then invite you.
button-rooms-enter = Join the { $purpose } group of { $territory }
rooms-linked-within = I also linked { $count ->
    [one] the room it contains
   *[other] the { $count } rooms it contains
}.
rooms-join-declined = I can't let you into the group of { $territory }: every question needs a yes. If you made a mistake, ask again with /rooms.
button-report-delete = Delete
button-report-warn = Warn
button-report-mute = Mute 1 hour
button-report-ban = Out 1 day
button-report-dismiss = Dismiss
rooms-report-new = Report in { $territory }: { $reporter } reported a message by { $member }.
rooms-report-quote = Message: "{ $text }"
rooms-report-thanks = Thank you for the report: I passed it to the area's moderators.
rooms-report-decided = { $name } decided on the report against { $member }: { $decision }.
rooms-sanction-warning = a warning
rooms-sanction-mute = a mute
rooms-sanction-ban = a ban from the groups
rooms-appeal-new = Appeal by { $name } against { $kind } in { $territory } (until { $until }).
rooms-appeal-text = What they write: "{ $text }"
button-appeal-uphold = Uphold the sanction
button-appeal-lift = Lift the sanction
rooms-appeal-sent = I sent your appeal to the area's moderators. I will write to you as soon as they decide.
rooms-appeal-lifted = Your appeal was accepted: the sanction was lifted.
rooms-appeal-upheld = Your appeal was turned down: the sanction stays.
rooms-appeal-decided-lift = Done: I lifted { $name }'s sanction and told them.
rooms-appeal-decided-uphold = Done: { $name }'s sanction stays, and I told them.

## Announcements: stopping and restarting them (/notifications).
notifications-off = All right: I will not send you announcements any more. If you change your mind, write /notifications on.
notifications-on = All right: you will get the announcements for your area again. To stop them, write /notifications off.
notifications-status-on = You get the announcements for your area. To stop them, write /notifications off.
notifications-status-off = You get no announcements. To get them again, write /notifications on.
notifications-usage = Write /notifications off to stop announcements, or /notifications on to get them again.
notifications-topic-off = All right: I will not send you announcements about "{ $topic }". Other announcements still reach you. To get them again write /notifications on and the topic.
notifications-topic-on = All right: I will send you announcements about "{ $topic }" again.
notifications-topic-unknown = I don't know the topic "{ $topic }". Try words like food, housing, work, health, or write /notifications off to stop every announcement.
notifications-status-topic = You do not receive announcements about "{ $topic }".

## Follow-ups about the last list or card
followup-no-context = Which service do you mean? First tell me what you are looking for and where, for example "food bank in Ostia", then you can ask me about hours, costs and how to get there.
followup-which = Which service of the list? Write its number, for example "1", then ask me again.
followup-no-such-item = The list has { $count ->
    [one] only 1 service
   *[other] { $count } services
}. Write a number from 1 to { $count }.
followup-hours = Opening hours of { $name }:
followup-cost = Cost of { $name }: { $text }
followup-cost-in-italian = Cost of { $name } (in Italian): { $text }
followup-cost-unknown = The card of { $name } says nothing about cost. Ask them directly:
followup-where = { $name } is here: { $place }, { $address }.
followup-where-confidential = The address of { $name } is confidential, for the safety of those who go there. { $has_house ->
    [yes] To get it, contact the service or ask at { $house }.
   *[other] To get it, contact the service.
}
followup-ask-house = The card has no contacts: ask at the nearest welfare house.

# Protections, languages and escalation of rooms (issue 12)
rooms-flood-out-of-range = The flood protection takes two numbers: messages (1 to { $messages }) and seconds (1 to { $seconds }). For example: /protect flood 5 10.
rooms-protect-unknown = I did not understand. Use /protect to see the protections, /protect flood 5 10 (more than 5 messages in 10 seconds mutes for 10 minutes), /protect flood off, /protect links on|off (newcomers' first messages with links or forwards wait for a moderator).
rooms-escalation-out-of-range = I did not understand. Write /escalation WARNINGS DAYS MUTE BAN, for example /escalation 3 30 24h 7d (1 to 20 warnings, window and ban up to 366 days, mute in whole hours), or /escalation default.
rooms-languages-unknown = A group's languages are Italian, or Italian and English: /room lang it or /room lang it,en.
rooms-flood-muted = Too many messages too fast: muted for 10 minutes, then free to write again.
rooms-held-new = Message held in the groups of { $territory }: { $member } has just arrived.
rooms-held-link = It contains a link.
rooms-held-forwarded = It is forwarded, or media.
button-held-release = Publish
button-held-delete = Delete
rooms-held-you = Your message in the group contains a link or a forward: a moderator sees it first, then it is published or deleted. This happens only with your first messages.
rooms-held-released-post = Message from { $member }, approved by a moderator:
rooms-held-released = { $name } published { $member }'s message.
rooms-held-deleted = { $name } deleted { $member }'s message.
rooms-on = on
rooms-off = off
rooms-protect-title = This group's protections (never for moderators, staff and admins):
rooms-protect-flood = Flood: more than { $messages } messages in { $seconds } seconds mutes for 10 minutes.
rooms-protect-flood-off = Flood: protection off.
rooms-protect-links = Newcomers' links and forwards held for a moderator: { $state }.
rooms-escalation = Warnings in { $territory }: { $warnings } within { $days } days mute for { $hours } hours; one more removes from the groups for { $ban } days.
rooms-escalation-own = This area's own setting.
rooms-escalation-inherited = It comes from { $from }.
rooms-escalation-default = The default setting.
rooms-languages-set = From now on I write in this group of { $territory } in: { $langs }.
