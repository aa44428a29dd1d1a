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
    /start – choose your language and area
    /language – change language
    /whoami – what I know about you
    /mydata – all your data; /forget – erase it
    /cancel – cancel what you are doing
help-moderator = As a moderator: commands for community rooms are coming soon.
help-staff = As staff: /grant moderator ACCOUNT AREA – make someone a moderator in your area; /revoke to remove it.
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
