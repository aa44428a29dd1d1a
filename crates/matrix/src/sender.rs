//! The outbound queue of one Matrix bot: drains its outbox room by room, each room in order and
//! rooms at once. Every message carries a transaction id derived from its outbox id, so a send
//! retried after a lost answer is recognised by the homeserver and never shows twice. Failures
//! (the homeserver away, a 429 the sdk gave up on) pause the queue with growing waits; a
//! message leaves the outbox only once the homeserver accepted it.

use super::outbound::MatrixOut;
use matrix_sdk::Client;
use matrix_sdk::attachment::{AttachmentConfig, AttachmentInfo, BaseImageInfo};
use matrix_sdk::ruma::events::relation::Thread;
use matrix_sdk::ruma::events::room::message::{Relation, RoomMessageEventContent, TextMessageEventContent};
use matrix_sdk::ruma::{OwnedEventId, OwnedTransactionId, RoomId, UInt};
use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::{Notify, watch};
use vicinato_store::{OutboxItem, Store};

/// Failed attempts before a message is given up.
const MAX_ATTEMPTS: i64 = 20;

enum Sent {
    Ok,
    Retry(String),
    Never(String),
}

async fn send_one(client: &Client, item: &OutboxItem) -> Sent {
    let message: MatrixOut = match serde_json::from_str(&item.payload) {
        Ok(m) => m,
        Err(e) => return Sent::Never(format!("unreadable outbox message: {e}")),
    };
    let Ok(room_id) = RoomId::parse(&message.room) else { return Sent::Never(format!("bad room id {}", message.room)) };
    let Some(room) = client.get_room(&room_id) else { return Sent::Never("the bot is not in this room".into()) };
    let txn: OwnedTransactionId = format!("vicinato-{}", item.id).into();
    if let Some(image) = &message.image {
        let Some(bytes) = image.file.bytes() else {
            return Sent::Never("the outbox holds an image that is not base64".into());
        };
        let mime: mime::Mime = image.file.mime.parse().unwrap_or(mime::IMAGE_PNG);
        let info = BaseImageInfo {
            width: Some(UInt::from(image.width)),
            height: Some(UInt::from(image.height)),
            size: UInt::new(bytes.len() as u64),
            ..Default::default()
        };
        let config = AttachmentConfig::new()
            .txn_id(txn)
            .info(AttachmentInfo::Image(info))
            .caption(Some(TextMessageEventContent::plain(image.caption.clone())));
        return match room.send_attachment(image.file.name.clone(), &mime, bytes, config).await {
            Ok(_) => Sent::Ok,
            Err(e) => Sent::Retry(e.to_string()),
        };
    }
    if let Some(file) = &message.file {
        let Some(bytes) = file.bytes() else { return Sent::Never("the outbox holds a file that is not base64".into()) };
        let mime: mime::Mime = file.mime.parse().unwrap_or(mime::APPLICATION_OCTET_STREAM);
        let config = AttachmentConfig::new().txn_id(txn);
        return match room.send_attachment(file.name.clone(), &mime, bytes, config).await {
            Ok(_) => Sent::Ok,
            Err(e) => Sent::Retry(e.to_string()),
        };
    }
    let mut content = RoomMessageEventContent::notice_html(message.plain, message.html);
    if let Some(root) = message.thread.as_deref().and_then(|t| OwnedEventId::try_from(t).ok()) {
        content.relates_to = Some(Relation::Thread(Thread::without_fallback(root)));
    }
    match room.send(content).with_transaction_id(txn).await {
        Ok(_) => Sent::Ok,
        Err(e) => Sent::Retry(e.to_string()),
    }
}

/// Runs until `stop` turns true.
pub(super) async fn run(
    client: Client,
    store: Arc<dyn Store>,
    channel: String,
    wake: Arc<Notify>,
    mut stop: watch::Receiver<bool>,
) {
    let mut failures = 0u32;
    loop {
        if *stop.borrow() {
            return;
        }
        let pending = match store.outbox_pending(&channel, 0, 1_000).await {
            Ok(p) => p,
            Err(e) => {
                tracing::warn!(error = %e, "cannot read the Matrix outbox");
                Vec::new()
            }
        };
        let mut rooms: BTreeMap<String, Vec<OutboxItem>> = BTreeMap::new();
        for item in pending {
            rooms.entry(item.chat.clone()).or_default().push(item);
        }
        let bot = channel.strip_prefix("matrix:").unwrap_or(&channel).to_owned();
        let lanes = rooms.into_values().map(|items| {
            let client = client.clone();
            let store = store.clone();
            let bot = bot.clone();
            async move {
                let metrics = vicinato_core::metrics::global();
                let labels = ["matrix", bot.as_str()];
                let mut failed = false;
                for mut item in items {
                    match send_one(&client, &item).await {
                        Sent::Ok => {
                            tracing::debug!(id = item.id, "Matrix message sent");
                            metrics.sent.with(&labels).inc();
                            if let Err(e) = store.outbox_delivered(item.id).await {
                                // Not forgotten: it stays in the outbox and the next pass sends
                                // it again under the same transaction id (the homeserver keeps
                                // one event per id) and records it then. The room waits, so the
                                // order holds.
                                tracing::warn!(id = item.id, error = %e, "sent message not yet out of the outbox; will retry");
                                failed = true;
                                break;
                            }
                        }
                        Sent::Never(why) => {
                            tracing::error!(id = item.id, error = %why, "Matrix message cannot be delivered");
                            metrics.error("send_refused");
                            let _ = store.outbox_undeliverable(item.id, &why, chrono::Utc::now()).await;
                        }
                        Sent::Retry(why) => {
                            item.attempts += 1;
                            if item.attempts >= MAX_ATTEMPTS {
                                tracing::error!(id = item.id, error = %why, "Matrix message given up");
                                let _ = store.outbox_undeliverable(item.id, &why, chrono::Utc::now()).await;
                            } else {
                                tracing::warn!(id = item.id, error = %why, "Matrix send failed; will retry");
                                metrics.retries.with(&labels).inc();
                                let _ = store.outbox_attempt_failed(item.id, item.attempts, &why).await;
                                failed = true;
                                // Later messages of this room wait, so the order holds.
                                break;
                            }
                        }
                    }
                }
                failed
            }
        });
        let any_failed = futures::future::join_all(lanes).await.into_iter().any(|f| f);
        let wait = if any_failed {
            failures += 1;
            Duration::from_secs((1u64 << failures.min(5)).min(30))
        } else {
            failures = 0;
            Duration::from_secs(5)
        };
        tokio::select! {
            _ = wake.notified(), if !any_failed => {}
            _ = tokio::time::sleep(wait) => {}
            changed = stop.changed() => {
                if changed.is_err() {
                    return;
                }
            }
        }
    }
}
