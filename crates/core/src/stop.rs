//! Stop signals, as every long-running part of Vicinato receives them: a
//! `tokio::sync::watch` of `bool` that turns true once. Here is waiting for one. No policy: who
//! stops what, and in which order, is the caller's (`serve`).

use tokio::sync::watch;

/// Waits until the signal is true (at once when it already is), or until its sender is gone.
pub async fn until_true(mut signal: watch::Receiver<bool>) {
    while !*signal.borrow_and_update() {
        if signal.changed().await.is_err() {
            return;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn until_true_returns_at_once_for_a_signal_already_true_and_when_its_sender_is_gone() {
        let (_tx, rx) = watch::channel(true);
        until_true(rx).await;
        let (tx, rx) = watch::channel(false);
        drop(tx);
        until_true(rx).await;
    }
}
