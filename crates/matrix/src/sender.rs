//! The outbound queue of one Matrix bot: drains its outbox room by room, each room in order and
//! rooms at once. Every message carries a transaction id derived from its outbox id, so a send
//! retried after a lost answer is recognised by the homeserver and never shows twice. A text
//! message is sent without the sdk's own retries: when the homeserver answers 429
//! `M_LIMIT_EXCEEDED`, the room waits exactly its `retry_after_ms` and sends again under the same
//! transaction id (not counted as a failure, never dropped). Other failures (the homeserver
//! away) pause the queue with growing waits; a message leaves the outbox only once the
//! homeserver accepted it.
//!
//! An announcement copy (or its `m.replace` edit, for a correction) is marked just before it
//! leaves; one a cancellation or correction took back from the outbox is not sent. Its state is
//! written with its outbox removal in one transaction: `sent` with the event id the homeserver
//! answered, or `failed` with the reason when the homeserver refused it or kept failing.

use super::outbound::{CopyRef, MatrixOut};
use matrix_sdk::Client;
use matrix_sdk::attachment::{AttachmentConfig, AttachmentInfo, BaseImageInfo};
use matrix_sdk::config::RequestConfig;
use matrix_sdk::ruma::api::error::{ErrorKind, RetryAfter};
use matrix_sdk::ruma::events::relation::Thread;
use matrix_sdk::ruma::events::room::message::ReplacementMetadata;
use matrix_sdk::ruma::events::room::message::{Relation, RoomMessageEventContent, TextMessageEventContent};
use matrix_sdk::ruma::{OwnedEventId, OwnedTransactionId, RoomId, UInt};
use std::collections::BTreeMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;
use tokio::sync::{Notify, watch};
use vicinato_domain::{AnnouncementId, CopyState, EditState, Network, PersonId};
use vicinato_store::{OutboxItem, Store};

/// Counters a test or an operator can read.
#[derive(Debug, Default)]
pub struct MatrixStats {
    /// Messages the homeserver accepted.
    pub sent: AtomicU64,
    /// 429 `M_LIMIT_EXCEEDED` answers waited out.
    pub rate_limited: AtomicU64,
}

impl MatrixStats {
    pub fn get(counter: &AtomicU64) -> u64 {
        counter.load(Ordering::Relaxed)
    }
}

/// Failed attempts before a message is given up.
const MAX_ATTEMPTS: i64 = 20;

enum Sent {
    /// Accepted, with the event id when the homeserver gave it.
    Ok(Option<String>),
    Retry(String),
    Never(String),
    /// Taken back from the outbox before it left (an announcement cancelled or corrected).
    Withdrawn,
}

/// How long a 429 `M_LIMIT_EXCEEDED` asks to wait, if the error is one.
fn limit_exceeded(error: &matrix_sdk::Error) -> Option<Duration> {
    match error.client_api_error_kind()? {
        ErrorKind::LimitExceeded(data) => Some(match &data.retry_after {
            Some(RetryAfter::Delay(wait)) => *wait,
            Some(RetryAfter::DateTime(at)) => at.duration_since(std::time::SystemTime::now()).unwrap_or_default(),
            None => Duration::from_secs(1),
        }),
        _ => None,
    }
}

async fn send_one(client: &Client, store: &dyn Store, item: &OutboxItem, stats: &MatrixStats) -> Sent {
    let message: MatrixOut = match serde_json::from_str(&item.payload) {
        Ok(m) => m,
        Err(e) => return Sent::Never(format!("unreadable outbox message: {e}")),
    };
    if message.copy.is_some() {
        match store.outbox_sending(item.id, chrono::Utc::now()).await {
            Ok(true) => {}
            Ok(false) => return Sent::Withdrawn,
            Err(e) => return Sent::Retry(format!("cannot mark the copy as on its way: {e}")),
        }
    }
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
            Ok(_) => Sent::Ok(None),
            Err(e) => Sent::Retry(e.to_string()),
        };
    }
    if let Some(file) = &message.file {
        let Some(bytes) = file.bytes() else { return Sent::Never("the outbox holds a file that is not base64".into()) };
        let mime: mime::Mime = file.mime.parse().unwrap_or(mime::APPLICATION_OCTET_STREAM);
        let config = AttachmentConfig::new().txn_id(txn);
        return match room.send_attachment(file.name.clone(), &mime, bytes, config).await {
            Ok(_) => Sent::Ok(None),
            Err(e) => Sent::Retry(e.to_string()),
        };
    }
    let mut content = RoomMessageEventContent::notice_html(message.plain, message.html);
    if let Some(root) = message.thread.as_deref().and_then(|t| OwnedEventId::try_from(t).ok()) {
        content.relates_to = Some(Relation::Thread(Thread::without_fallback(root)));
    }
    if let Some(original) = &message.replaces {
        let Ok(original) = OwnedEventId::try_from(original.as_str()) else {
            return Sent::Never(format!("`{original}` is no event id"));
        };
        content = content.make_replacement(ReplacementMetadata::new(original, None));
    }
    // The sdk's own retries are off: a rate limit is waited out here, exactly as long as the
    // homeserver asks, under the same transaction id.
    let config = RequestConfig::new().disable_retry().timeout(Duration::from_secs(30));
    loop {
        match room.send(content.clone()).with_transaction_id(txn.clone()).with_request_config(config).await {
            Ok(sent) => return Sent::Ok(Some(sent.response.event_id.to_string())),
            Err(e) => match limit_exceeded(&e) {
                Some(wait) => {
                    stats.rate_limited.fetch_add(1, Ordering::Relaxed);
                    vicinato_core::metrics::global().error("rate_limited");
                    tracing::debug!(id = item.id, ms = wait.as_millis() as u64, "the homeserver asked to wait");
                    tokio::time::sleep(wait).await;
                }
                None => return Sent::Retry(e.to_string()),
            },
        }
    }
}

/// Writes how a message the homeserver settled went: its outbox removal and, for an
/// announcement copy or edit, its state in the same transaction.
async fn settle(
    store: &dyn Store,
    item: &OutboxItem,
    copy: Option<CopyRef>,
    outcome: Result<Option<String>, String>,
) -> Result<(), vicinato_store::StoreError> {
    let now = chrono::Utc::now();
    let Some(copy) = copy else {
        return match outcome {
            Ok(_) => store.outbox_delivered(item.id).await,
            Err(why) => store.outbox_undeliverable(item.id, &why, now).await,
        };
    };
    let (id, person) = (AnnouncementId(copy.announcement), PersonId(copy.person));
    if let Some(room) = &copy.room {
        return match (copy.correction, outcome) {
            (Some(n), Ok(_)) => {
                store.room_edit_settled(Some(item.id), id, Network::Matrix, room, n, &EditState::Sent, now).await
            }
            (Some(n), Err(why)) => {
                let failed = EditState::Failed(why);
                store.room_edit_settled(Some(item.id), id, Network::Matrix, room, n, &failed, now).await
            }
            (None, Ok(event)) => {
                let sent = CopyState::Sent;
                store
                    .room_copy_settled(
                        Some(item.id),
                        id,
                        Network::Matrix,
                        room,
                        &sent,
                        None,
                        event.as_deref(),
                        copy.version,
                        now,
                    )
                    .await
            }
            (None, Err(why)) => {
                let failed = CopyState::Failed(why);
                store
                    .room_copy_settled(Some(item.id), id, Network::Matrix, room, &failed, None, None, copy.version, now)
                    .await
            }
        }
        .map(drop);
    }
    // A person's copy is sent in their direct chat with the bot: the room is kept, so that
    // its correction edits the message there even if the direct chat changes meanwhile.
    let sent_in = serde_json::from_str::<MatrixOut>(&item.payload).ok().map(|m| m.room);
    match (copy.correction, outcome) {
        (Some(n), Ok(_)) => store.edit_settled(Some(item.id), id, person, n, &EditState::Sent, now).await.map(drop),
        (Some(n), Err(why)) => {
            store.edit_settled(Some(item.id), id, person, n, &EditState::Failed(why), now).await.map(drop)
        }
        (None, Ok(event)) => store
            .copy_settled(
                Some(item.id),
                id,
                person,
                &CopyState::Sent,
                None,
                event.as_deref(),
                copy.version,
                sent_in.as_deref(),
                now,
            )
            .await
            .map(drop),
        (None, Err(why)) => {
            let failed = CopyState::Failed(why);
            store.copy_settled(Some(item.id), id, person, &failed, None, None, copy.version, None, now).await.map(drop)
        }
    }
}

/// The copy an outbox message is, if it is one.
fn copy_of(item: &OutboxItem) -> Option<CopyRef> {
    serde_json::from_str::<MatrixOut>(&item.payload).ok().and_then(|m| m.copy)
}

/// Runs until `stop` turns true.
pub(super) async fn run(
    client: Client,
    store: Arc<dyn Store>,
    channel: String,
    wake: Arc<Notify>,
    stats: Arc<MatrixStats>,
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
            let stats = stats.clone();
            async move {
                let metrics = vicinato_core::metrics::global();
                let labels = ["matrix", bot.as_str()];
                let mut failed = false;
                for mut item in items {
                    let copy = copy_of(&item);
                    match send_one(&client, store.as_ref(), &item, &stats).await {
                        Sent::Withdrawn => {
                            tracing::debug!(id = item.id, "an announcement copy was taken back; not sent");
                        }
                        Sent::Ok(event) => {
                            tracing::debug!(id = item.id, "Matrix message sent");
                            metrics.sent.with(&labels).inc();
                            stats.sent.fetch_add(1, Ordering::Relaxed);
                            if let Err(e) = settle(store.as_ref(), &item, copy, Ok(event)).await {
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
                            let _ = settle(store.as_ref(), &item, copy, Err(why)).await;
                        }
                        Sent::Retry(why) => {
                            item.attempts += 1;
                            if item.attempts >= MAX_ATTEMPTS {
                                tracing::error!(id = item.id, error = %why, "Matrix message given up");
                                let _ = settle(store.as_ref(), &item, copy, Err(why)).await;
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
