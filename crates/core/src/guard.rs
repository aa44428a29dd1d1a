//! Guards around one item of work (a Telegram update, a Matrix event, a scheduler job): a
//! panic inside it is caught and summarised, so one bad item cannot stop the rest. The summary
//! names where it happened and what kind of failure it was, never the text the item carried
//! (a slicing panic quotes the string it cut, so the quoted part is dropped).

use futures::FutureExt;
use std::any::Any;
use std::cell::RefCell;
use std::future::Future;
use std::panic::AssertUnwindSafe;

thread_local! {
    /// Where the last panic on this thread happened, set by the hook of [`install_hook`].
    static LAST_AT: RefCell<Option<String>> = const { RefCell::new(None) };
}

/// Replaces the default panic hook (which prints the whole message, texts included) with one
/// that logs a summary and remembers the place for [`catch`]. Called once at start.
pub fn install_hook() {
    std::panic::set_hook(Box::new(|info| {
        let at = info.location().map(|l| format!("{}:{}", l.file(), l.line()));
        let what = sanitise(&payload_text(info.payload()));
        tracing::error!(at = at.as_deref().unwrap_or("?"), panic = %what, "a panic");
        LAST_AT.with(|l| *l.borrow_mut() = at);
    }));
}

fn payload_text(payload: &(dyn Any + Send)) -> String {
    if let Some(s) = payload.downcast_ref::<&str>() {
        (*s).to_owned()
    } else if let Some(s) = payload.downcast_ref::<String>() {
        s.clone()
    } else {
        "a panic without a message".to_owned()
    }
}

/// The part of a panic message before anything quoted, at most 200 bytes.
fn sanitise(message: &str) -> String {
    let cut = message.find(['`', '\'', '"', '\n']).unwrap_or(message.len());
    let mut end = cut.min(200);
    while !message.is_char_boundary(end) {
        end -= 1;
    }
    let head = message[..end].trim_end_matches([' ', ':', ';', ',']).trim();
    if head.is_empty() { "panicked".to_owned() } else { head.to_owned() }
}

/// A panic's summary without the texts it quoted: `panic at src/x.rs:12: byte index 10 is
/// not a char boundary`.
pub fn summary(payload: &(dyn Any + Send)) -> String {
    let what = sanitise(&payload_text(payload));
    match LAST_AT.with(|l| l.borrow_mut().take()) {
        Some(at) => format!("panic at {at}: {what}"),
        None => format!("panic: {what}"),
    }
}

/// Runs `work`; a panic inside it comes back as its summary instead of unwinding further.
pub async fn catch<F: Future>(work: F) -> Result<F::Output, String> {
    AssertUnwindSafe(work).catch_unwind().await.map_err(|p| summary(&*p))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_panic_summary_leaves_out_the_text_it_quoted() {
        let text = String::from("vicinato \u{212A} segreto");
        let caught = std::panic::catch_unwind(|| text[..10].len()).expect_err("a slicing panic");
        let s = summary(&*caught);
        assert!(s.contains("is not a char boundary"), "{s}");
        assert!(!s.contains("segreto"), "{s}");
    }

    #[tokio::test]
    async fn a_panicking_future_is_caught_and_a_quiet_one_passes() {
        assert_eq!(catch(async { 7 }).await, Ok(7));
        let err = catch(async { panic!("boom with `secret text`") }).await.expect_err("caught");
        assert!(err.contains("boom with") && !err.contains("secret"), "{err}");
    }
}
