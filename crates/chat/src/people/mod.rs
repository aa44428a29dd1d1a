//! People in chat: onboarding and deep links, language, help, who am I, my data and forgetting me, roles, linking accounts across networks.
//!
//! Names no network and no SQL; what another capability also needs lives in the crate root or a layer below, never in a sibling capability's files.

pub(crate) mod buttons;
pub(crate) mod grant;
pub(crate) mod help;
pub(crate) mod home;
pub(crate) mod language;
pub(crate) mod link;
pub(crate) mod module;
pub(crate) mod notifications;
pub(crate) mod privacy;
pub(crate) mod start;
pub(crate) mod whoami;

use crate::{Reply, Turn};
use buttons::PeopleButton;
use vicinato_store::StoreError;

/// A press on one of the people module's buttons.
pub(crate) async fn on_button(turn: &mut Turn<'_>, button: PeopleButton) -> Result<Vec<Reply>, StoreError> {
    match button {
        PeopleButton::Language(code) => language::chosen(turn, &code).await,
        PeopleButton::Drill(t) => home::drill(turn, &t).await,
        PeopleButton::Home(t) => home::home_chosen(turn, &t).await,
        PeopleButton::SkipHome => home::skip_home(turn).await,
        PeopleButton::Start => start::start(turn, None).await,
        PeopleButton::Forget(yes) => privacy::forget_answer(turn, yes).await,
        PeopleButton::Link { yes, code } => link::answer(turn, yes, &code).await,
        PeopleButton::Help => Ok(vec![help::help(turn)]),
        PeopleButton::Resume(yes) => crate::pause::resume(turn, yes).await,
    }
}
