//! Webhook mode: Telegram posts each update to an HTTPS URL (a TLS proxy forwards it here).
//! Every request must carry the secret token given to setWebhook, compared in constant time;
//! anything else gets 401 and is not read. Telegram is asked for one connection at a time, so
//! updates arrive in order, and an update at or below the stored cursor is a redelivery and
//! is acknowledged without being handled again. The answer is sent only after the replies are
//! stored, so Telegram redelivers whatever a crash interrupted.

use super::TelegramBot;
use anyhow::Context;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use std::sync::Arc;
use teloxide::prelude::*;
use teloxide::types::Update;
use tokio::sync::{Mutex, watch};
use vicinato_core::Secret;

/// Webhook mode: Telegram posts updates to `url`; Vicinato listens on `listen` (usually
/// behind a TLS proxy) and checks the secret Telegram sends with every request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TelegramWebhook {
    pub url: String,
    pub listen: std::net::SocketAddr,
    pub secret_env: String,
}

/// The header Telegram sends the secret token in.
pub const SECRET_HEADER: &str = "x-telegram-bot-api-secret-token";

struct Hook {
    bot: Arc<TelegramBot>,
    secret: Secret,
    /// One update at a time, in order, with the cursor read under the lock.
    order: Mutex<()>,
    stop: watch::Receiver<bool>,
}

/// Equal bytes, compared without an early exit.
fn same(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

async fn receive(State(hook): State<Arc<Hook>>, headers: HeaderMap, body: Bytes) -> StatusCode {
    let given = headers.get(SECRET_HEADER).map(|v| v.as_bytes()).unwrap_or_default();
    if !same(given, hook.secret.expose().as_bytes()) {
        tracing::warn!("webhook request without the right secret token refused");
        return StatusCode::UNAUTHORIZED;
    }
    let update: Update = match serde_json::from_slice(&body) {
        Ok(u) => u,
        // Text with a lone UTF-16 surrogate: read without it, or set aside. Refusing it would
        // have Telegram deliver it again, forever.
        Err(e) => match super::read_updates(&format!("[{}]", String::from_utf8_lossy(&body))) {
            (mut read, _) if !read.is_empty() => read.remove(0),
            (_, unreadable) if !unreadable.is_empty() => {
                hook.bot.set_aside(unreadable[0], "the update cannot be read").await;
                return StatusCode::OK;
            }
            _ => {
                tracing::warn!(error = %e, "webhook body is not an update");
                return StatusCode::BAD_REQUEST;
            }
        },
    };
    let _turn = hook.order.lock().await;
    let stored = match hook.bot.stored_offset().await {
        Ok(o) => o,
        Err(e) => {
            tracing::error!(error = %e, "cannot read the update cursor");
            return StatusCode::SERVICE_UNAVAILABLE;
        }
    };
    let id = update.id.0 as i32;
    if id < stored {
        return StatusCode::OK;
    }
    let mut stop = hook.stop.clone();
    hook.bot.handle_batch(vec![update], id + 1, &mut stop).await;
    StatusCode::OK
}

/// Registers the webhook with Telegram and serves it until `stop`.
pub(super) async fn serve(
    bot: Arc<TelegramBot>,
    config: TelegramWebhook,
    secret: Secret,
    mut stop: watch::Receiver<bool>,
) -> anyhow::Result<()> {
    let url = url::Url::parse(&config.url).with_context(|| format!("telegram.webhook_url `{}`", config.url))?;
    let listener = tokio::net::TcpListener::bind(config.listen)
        .await
        .with_context(|| format!("cannot listen on telegram.webhook_listen {}", config.listen))?;
    bot.bot
        .set_webhook(url)
        .secret_token(secret.expose().to_owned())
        .max_connections(1)
        .allowed_updates(super::allowed_updates())
        .await
        .context("Telegram did not accept the webhook")?;
    tracing::info!(bot = %bot.me.username, listen = %config.listen, "receiving Telegram updates by webhook");
    let hook = Arc::new(Hook { bot, secret, order: Mutex::new(()), stop: stop.clone() });
    let app = axum::Router::new().fallback(axum::routing::post(receive)).with_state(hook);
    axum::serve(listener, app)
        .with_graceful_shutdown(async move {
            while !*stop.borrow() {
                if stop.changed().await.is_err() {
                    break;
                }
            }
        })
        .await
        .context("the webhook server stopped")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_compare_by_content_and_length() {
        assert!(same(b"abc", b"abc"));
        assert!(!same(b"abc", b"abd"));
        assert!(!same(b"abc", b"abcd"));
        assert!(!same(b"", b"a"));
    }
}
